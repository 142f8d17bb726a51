// The dependency DAG of a run: dag.dot built with Graphviz's cgraph, laid out
// with the dot engine and rendered to SVG by gvc in-process (no `dot`
// process is started).
//
// Services are nodes in declaration order, and edges go from a service to
// each of its dependencies in declaration order, so the DOT text depends only
// on the run. Each node is filled with the colour of its worst state during
// the run (run_view.hpp), core services have a double border, a second label
// line names the faults that touched the service, and the start-up critical
// path is drawn in heavy blue. Labels are escaped for DOT (backslash, which
// Graphviz reads as an escape such as \N, and '&', which it reads as an
// entity); Graphviz escapes them again for SVG.
//
// Only the dot layout and the core renderers are loaded, from the plugin
// libraries linked into this program, never from the machine's plugin
// configuration: with the Pango plugin the text widths, and so the layout,
// would depend on the fonts installed. With the built-in font metrics the
// SVG is byte-for-byte the same on every run with the same Graphviz; the
// version comment Graphviz writes is left out so that it is also the same
// across Graphviz builds that lay out alike.
#pragma once

#include <string>

#include "reports/run_view.hpp"

namespace dreamsim::report {

struct DagOutput {
  std::string dot;  // dag.dot: the graph with its attributes, before layout
  std::string svg;  // dag.svg: the laid-out drawing, a standalone SVG file
};

// Throws std::runtime_error when Graphviz fails (it should not on a graph
// built here).
DagOutput render_dag(const RunView& view);

// The <svg> element alone (no XML prolog, doctype or comments), for inlining
// into HTML.
std::string inline_svg(const std::string& svg_file);

// A label as DOT must hold it to show `text` literally.
std::string dot_label_text(const std::string& text);

}  // namespace dreamsim::report
