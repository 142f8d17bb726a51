#include "reports/dag.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>

extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace dreamsim::report {
namespace {

constexpr const char* kCriticalColour = "#1f5fbf";
constexpr size_t kMaxEdgeTooltips = 200;

// cgraph's API takes char* for strings it only reads.
char* c(const char* s) { return const_cast<char*>(s); }

void set(void* object, const char* name, const std::string& value) {
  agsafeset(object, c(name), c(value.c_str()), c(""));
}

struct GvcDeleter {
  void operator()(GVC_t* g) const { gvFreeContext(g); }
};
struct GraphDeleter {
  void operator()(Agraph_t* g) const { agclose(g); }
};

std::string dot_text(Agraph_t* g) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buffer, &size);
  if (f == nullptr) throw std::runtime_error("dag: open_memstream failed");
  const int rc = agwrite(g, f);
  std::fclose(f);
  std::string out(buffer, size);
  std::free(buffer);
  if (rc != 0) throw std::runtime_error("dag: agwrite failed");
  return out;
}

std::string node_tooltip(const ServiceView& s) {
  std::string t = s.id;
  if (!s.kind.empty()) t += " (" + s.kind + (s.core ? ", core" : "") + ")";
  else if (s.core) t += " (core)";
  t += ": worst ";
  t += to_string(s.worst);
  if (!s.worst_why.empty()) t += ", " + s.worst_why;
  if (!s.faults.empty()) {
    t += "; faults:";
    for (const std::string& f : s.faults) t += " " + f;
  }
  if (s.on_critical_path) t += "; on the start-up critical path";
  return t;
}

std::string fault_line(const std::vector<std::string>& faults) {
  // Distinct kinds in order of first appearance.
  std::vector<std::string> kinds;
  for (const std::string& f : faults) {
    bool seen = false;
    for (const std::string& k : kinds) seen = seen || k == f;
    if (!seen) kinds.push_back(f);
  }
  std::string line = "fault:";
  for (const std::string& k : kinds) line += " " + k;
  return line;
}

}  // namespace

std::string dot_label_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '&') {
      out += "&amp;";
    } else if (ch == '\n' || ch == '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

DagOutput render_dag(const RunView& view) {
  lt_symlist_t builtins[] = {
      {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
      {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
      {nullptr, nullptr}};
  std::unique_ptr<GVC_t, GvcDeleter> gvc(gvContextPlugins(builtins, 0));
  if (!gvc) throw std::runtime_error("dag: gvContextPlugins failed");
  std::unique_ptr<Agraph_t, GraphDeleter> graph(agopen(c("dag"), Agstrictdirected, nullptr));
  if (!graph) throw std::runtime_error("dag: agopen failed");
  Agraph_t* g = graph.get();

  std::string title = view.scenario + " (seed " + std::to_string(view.seed) + ")";
  set(g, "label", dot_label_text(title));
  set(g, "labelloc", "t");
  set(g, "labeljust", "l");
  set(g, "pad", "0.2");
  set(g, "fontname", "Helvetica");
  set(g, "fontsize", "16");
  set(g, "rankdir", "TB");
  set(g, "nodesep", "0.3");
  set(g, "ranksep", "0.5");
  // Large graphs: bound the crossing-minimisation and network-simplex work,
  // so a thousand services lay out in seconds.
  if (view.services.size() > 200) {
    set(g, "mclimit", "0.2");
    set(g, "nslimit", "2");
    set(g, "nslimit1", "2");
    set(g, "searchsize", "10");
  }
  // Defaults first, so that agwrite prints them once in the graph's header.
  agattr(g, AGNODE, c("shape"), c("box"));
  agattr(g, AGNODE, c("style"), c("filled,rounded"));
  agattr(g, AGNODE, c("fontname"), c("Helvetica"));
  agattr(g, AGNODE, c("fontsize"), c("12"));
  agattr(g, AGNODE, c("penwidth"), c("1"));
  agattr(g, AGNODE, c("color"), c("#555555"));
  agattr(g, AGNODE, c("fontcolor"), c("black"));
  agattr(g, AGNODE, c("peripheries"), c("1"));
  agattr(g, AGEDGE, c("color"), c("#777777"));
  agattr(g, AGEDGE, c("penwidth"), c("1"));
  agattr(g, AGEDGE, c("arrowsize"), c("0.7"));

  std::vector<Agnode_t*> nodes;
  nodes.reserve(view.services.size());
  for (size_t i = 0; i < view.services.size(); ++i) {
    const ServiceView& s = view.services[i];
    Agnode_t* n = agnode(g, c(s.id.c_str()), 1);
    std::string label = dot_label_text(s.id);
    if (!s.faults.empty()) label += "\\n" + dot_label_text(fault_line(s.faults));
    set(n, "label", label);
    set(n, "id", "svc_" + std::to_string(i));
    std::string cls = "svc state_" + std::string(to_string(s.worst));
    if (s.core) cls += " core";
    if (s.on_critical_path) cls += " critical";
    if (!s.faults.empty()) cls += " faulted";
    set(n, "class", cls);
    set(n, "fillcolor", state_colour(s.worst));
    if (s.worst == State::kDown) set(n, "fontcolor", "white");
    if (s.core) set(n, "peripheries", "2");
    if (!s.faults.empty()) set(n, "color", "#c00000");
    if (s.on_critical_path) {
      set(n, "color", kCriticalColour);
      set(n, "penwidth", "2.5");
    }
    set(n, "tooltip", dot_label_text(node_tooltip(s)));
    nodes.push_back(n);
  }
  std::set<std::pair<size_t, size_t>> critical;
  for (size_t k = 0; k + 1 < view.critical_path.size(); ++k) {
    // The later service depends on the earlier one.
    critical.emplace(view.critical_path[k + 1], view.critical_path[k]);
  }
  for (size_t i = 0; i < view.services.size(); ++i) {
    for (size_t d : view.services[i].depends_on) {
      Agedge_t* e = agedge(g, nodes[i], nodes[d], nullptr, 1);
      // Edge hovers cost a link element each: only on graphs a person reads edge by edge.
      if (view.services.size() <= kMaxEdgeTooltips) {
        set(e, "tooltip", dot_label_text(view.services[i].id + " depends on " + view.services[d].id));
      }
      if (critical.count({i, d})) {
        set(e, "color", kCriticalColour);
        set(e, "penwidth", "2.5");
        set(e, "class", "critical");
      }
    }
  }

  DagOutput out;
  out.dot = dot_text(g);
  if (gvLayout(gvc.get(), g, "dot") != 0) throw std::runtime_error("dag: dot layout failed");
  char* data = nullptr;
  unsigned int length = 0;
  const int rc = gvRenderData(gvc.get(), g, "svg", &data, &length);
  if (rc == 0 && data != nullptr) out.svg.assign(data, length);
  gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), g);
  if (rc != 0) throw std::runtime_error("dag: SVG rendering failed");
  // The generator comment names the Graphviz version; nothing else in the
  // file depends on the build.
  const size_t gen = out.svg.find("<!-- Generated by graphviz");
  if (gen != std::string::npos) {
    const size_t close = out.svg.find("-->", gen);
    if (close != std::string::npos) {
      size_t stop = close + 3;
      if (stop < out.svg.size() && out.svg[stop] == '\n') ++stop;
      out.svg.erase(gen, stop - gen);
    }
  }
  return out;
}

std::string inline_svg(const std::string& svg_file) {
  const size_t start = svg_file.find("<svg");
  if (start == std::string::npos) return {};
  std::string out;
  out.reserve(svg_file.size() - start);
  size_t i = start;
  while (i < svg_file.size()) {
    const size_t open = svg_file.find("<!--", i);
    if (open == std::string::npos) {
      out.append(svg_file, i, std::string::npos);
      break;
    }
    out.append(svg_file, i, open - i);
    const size_t close = svg_file.find("-->", open + 4);
    if (close == std::string::npos) break;
    i = close + 3;
    if (i < svg_file.size() && svg_file[i] == '\n') ++i;
  }
  return out;
}

}  // namespace dreamsim::report
