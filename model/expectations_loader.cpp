#include "model/expectations_loader.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "model/expectation.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {
namespace {

using namespace schema;  // NOLINT(google-build-using-namespace): the loader's vocabulary
using Type = DocNode::Type;

// The key that leads each kind of expectation, in ExpectationKind order
// (metrics is one key that expands to one kMetric per bound).
const Keys kKindKeys = {"alert",   "no_alert", "action",     "no_action",
                        "metrics", "always",   "eventually", "reachable"};
const Keys kAlertKeys = {"signal", "service", "source", "within", "after", "before"};
const Keys kActionKeys = {"target", "within", "after", "before"};
const Keys kEventNames = {"start", "first_fault", "last_fault_end"};
const Keys kEventKeys = {"fault", "fault_end", "action", "alert"};
const Keys kSeverityNames = {"P0", "P1", "P2", "any"};
constexpr uint8_t kSeverityBits[] = {kSeverityP0, kSeverityP1, kSeverityP2, kSeverityAny};

Keys keys_of(const std::vector<std::string>& names) { return Keys(names.begin(), names.end()); }

Keys with(Keys keys, std::string_view lead) {
  keys.insert(keys.begin(), lead);
  return keys;
}

std::string severity_text(uint8_t bits) {
  if (bits == kSeverityAny) return "any";
  std::string out;
  const char* names[] = {"P0", "P1", "P2"};
  for (int i = 0; i < 3; ++i) {
    if ((bits & (1u << i)) == 0) continue;
    if (!out.empty()) out += " or ";
    out += names[i];
  }
  return out;
}

// "P1 latency_p95 alert on api from alerting"; any severity is left out
// ("alert on api").
std::string alert_text(const AlertPattern& a, bool with_word) {
  std::string out = a.severities == kSeverityAny ? std::string() : severity_text(a.severities);
  if (!a.signal.empty()) out += (out.empty() ? "" : " ") + a.signal;
  if (with_word) out += (out.empty() ? "" : " ") + std::string("alert");
  if (!a.service.empty()) out += " on " + a.service;
  if (!a.source.empty()) out += " from " + a.source;
  return out;
}

std::string action_text(const ActionPattern& a) {
  return a.target.empty() ? a.kind : a.kind + " on " + a.target;
}

std::string fault_text(const FaultPattern& f) {
  std::string out = f.kind.empty() ? std::string("any fault") : f.kind;
  if (!f.target.empty()) out += " on " + f.target;
  return out;
}

std::string event_text(const EventRef& e) {
  switch (e.kind) {
    case EventRef::Kind::kStart:
      return "the start";
    case EventRef::Kind::kFirstFault:
      return "the first fault";
    case EventRef::Kind::kLastFaultEnd:
      return "the last fault's end";
    case EventRef::Kind::kFault:
      return fault_text(e.fault);
    case EventRef::Kind::kFaultEnd:
      return "the end of " + fault_text(e.fault);
    case EventRef::Kind::kAction:
      return "action " + action_text(e.action);
    case EventRef::Kind::kAlert:
      return alert_text(e.alert, true);
  }
  return "?";
}

class ExpectationReader {
 public:
  ExpectationReader(Checker& c, Scenario& s) : c_(c), s_(s) {
    for (const Service& sv : s.services) targets_.push_back(sv.id);
    for (const Agent& a : s.agents) targets_.push_back(a.id);
    targets_.push_back("system");
    for (const Fault& f : s.faults) fault_names_.emplace_back(to_string(f.kind));
  }

  void read(const DocNode& list) {
    for (size_t i = 0; i < list.items.size(); ++i) read_item(list.items[i], index_path("expectations", i));
  }

 private:
  void read_item(const DocNode& item, const std::string& path) {
    if (item.type != Type::kMap) {
      c_.error(item.mark, path,
               "expected a mapping led by one of " + list_keys(kKindKeys) +
                   " (e.g. '- alert: P1' or '- metrics: {writes_lost: 0}'), got " + describe(item));
      return;
    }
    std::vector<size_t> leads;
    for (const DocMember& m : item.members) {
      for (size_t k = 0; k < kKindKeys.size(); ++k) {
        if (m.key == kKindKeys[k] &&
            std::find(leads.begin(), leads.end(), k) == leads.end()) {
          leads.push_back(k);
        }
      }
    }
    if (leads.empty()) {
      std::string hint;
      for (const DocMember& m : item.members) {
        if (auto s = suggest(m.key, to_strings(kKindKeys))) {
          hint = "; did you mean " + quote(*s) + " for " + quote(m.key) + "?";
          break;
        }
      }
      c_.error(item.mark, path,
               "an expectation is led by one of " + list_keys(kKindKeys) + ", and this one has none" +
                   hint);
      return;
    }
    if (leads.size() > 1) {
      c_.error(item.mark, path,
               "one expectation per list item: this one has both " + quote(kKindKeys[leads[0]]) +
                   " and " + quote(kKindKeys[leads[1]]) + " (start another item with '- ')");
      return;
    }
    const auto kind = static_cast<ExpectationKind>(leads[0]);
    switch (kind) {
      case ExpectationKind::kAlert:
      case ExpectationKind::kNoAlert:
        read_alert(item, path, kind);
        break;
      case ExpectationKind::kAction:
      case ExpectationKind::kNoAction:
        read_action(item, path, kind);
        break;
      case ExpectationKind::kMetric:
        read_metrics(item, path);
        break;
      case ExpectationKind::kAlways:
        read_always(item, path);
        break;
      case ExpectationKind::kEventually:
        read_eventually(item, path);
        break;
      case ExpectationKind::kReachable:
        read_reachable(item, path);
        break;
    }
  }

  // --- patterns --------------------------------------------------------------

  std::optional<uint8_t> read_severities(const DocNode& n, const std::string& path) {
    const std::string choices = " (P0, P1, P2 or any, or a list such as [P0, P1])";
    if (n.type == Type::kList) {
      if (n.items.empty()) {
        c_.error(n.mark, path, "expected at least one severity" + choices);
        return std::nullopt;
      }
      uint8_t bits = 0;
      bool ok = true;
      for (size_t i = 0; i < n.items.size(); ++i) {
        auto v = read_enum(c_, n.items[i], index_path(path, i), kSeverityNames, "severity");
        if (!v) {
          ok = false;
          continue;
        }
        if ((bits & kSeverityBits[*v]) != 0 && *v != 3) {
          c_.error(n.items[i].mark, index_path(path, i),
                   "severity " + quote(kSeverityNames[*v]) + " is listed twice");
          ok = false;
        }
        bits |= kSeverityBits[*v];
      }
      if (!ok) return std::nullopt;
      return bits;
    }
    auto v = read_enum(c_, n, path, kSeverityNames, "severity");
    if (!v) return std::nullopt;
    return kSeverityBits[*v];
  }

  bool read_name(MapReader& m, std::string_view key, const std::vector<std::string>& known,
                 std::string_view what, std::string& out) {
    const DocNode* n = m.get(key);
    if (n == nullptr) return true;
    auto v = read_string(c_, *n, m.path(key));
    if (!v) return false;
    if (std::find(known.begin(), known.end(), *v) == known.end()) {
      c_.error(n->mark, m.path(key),
               "unknown " + std::string(what) + " " + quote(*v) + did_you_mean(*v, known) +
                   " (known: " + list_names(known) + ")");
      return false;
    }
    out = *v;
    return true;
  }

  // signal, service, source of an alert pattern.
  bool read_alert_fields(MapReader& m, AlertPattern& a) {
    bool ok = read_name(m, "signal", known_alert_signals(), "alert signal", a.signal);
    ok = read_name(m, "service", targets_, "service or agent", a.service) && ok;
    ok = read_name(m, "source", known_alert_sources(), "alert source", a.source) && ok;
    return ok;
  }

  bool read_action_kind(const DocNode& n, const std::string& path, std::string& out) {
    auto v = read_string(c_, n, path);
    if (!v) return false;
    const std::vector<std::string>& known = known_action_kinds();
    if (std::find(known.begin(), known.end(), *v) == known.end()) {
      c_.error(n.mark, path,
               "unknown action kind " + quote(*v) + did_you_mean(*v, known) +
                   " (known: " + list_names(known) + ")");
      return false;
    }
    out = *v;
    return true;
  }

  bool read_target(MapReader& m, std::string& out) {
    const DocNode* n = m.get("target");
    if (n == nullptr) return true;
    auto v = read_string(c_, *n, m.path("target"));
    if (!v) return false;
    out = *v;
    return true;
  }

  // --- events (after, before) ------------------------------------------------

  std::optional<EventRef> read_event(const DocNode& n, const std::string& path) {
    EventRef e;
    if (n.type == Type::kString) {
      auto v = read_enum(c_, n, path, kEventNames, "event");
      if (!v) return std::nullopt;
      e.kind = *v == 0 ? EventRef::Kind::kStart
               : *v == 1 ? EventRef::Kind::kFirstFault
                         : EventRef::Kind::kLastFaultEnd;
      if (e.kind != EventRef::Kind::kStart && s_.faults.empty()) {
        c_.error(n.mark, path, quote(n.text) + " needs a fault, and this scenario has none");
        return std::nullopt;
      }
      return e;
    }
    if (n.type != Type::kMap) {
      c_.error(n.mark, path,
               "expected an event: start, first_fault, last_fault_end, or a mapping led by "
               "fault, fault_end, action or alert (e.g. {fault: crash, target: api}), got " +
                   describe(n));
      return std::nullopt;
    }
    const DocMember* lead = nullptr;
    for (const DocMember& m : n.members) {
      if (std::find(kEventKeys.begin(), kEventKeys.end(), m.key) == kEventKeys.end()) continue;
      if (lead != nullptr && lead->key != m.key) {
        c_.error(n.mark, path,
                 "an event is one of fault, fault_end, action or alert; this one has both " +
                     quote(lead->key) + " and " + quote(m.key));
        return std::nullopt;
      }
      lead = &m;
    }
    if (lead == nullptr) {
      c_.error(n.mark, path,
               "an event mapping is led by one of fault, fault_end, action or alert "
               "(e.g. {fault: crash, target: api})");
      return std::nullopt;
    }
    if (lead->key == "fault" || lead->key == "fault_end") {
      e.kind = lead->key == "fault" ? EventRef::Kind::kFault : EventRef::Kind::kFaultEnd;
      MapReader m(c_, n, path, {lead->key, "target"});
      if (!m.valid()) return std::nullopt;
      Keys kinds = keys_of(all_fault_kinds());
      kinds.push_back("any");
      auto k = read_enum(c_, lead->value, m.path(lead->key), kinds, "fault kind");
      if (!k) return std::nullopt;
      if (kinds[*k] != "any") e.fault.kind = std::string(kinds[*k]);
      if (!read_target(m, e.fault.target)) return std::nullopt;
      // The fault must be one the scenario schedules.
      bool found = false;
      std::vector<std::string> listed;
      for (const Fault& f : s_.faults) {
        const std::string kind = to_string(f.kind);
        listed.push_back(f.target_name.empty() ? kind : kind + " on " + f.target_name);
        if ((e.fault.kind.empty() || e.fault.kind == kind) &&
            (e.fault.target.empty() || e.fault.target == f.target_name)) {
          found = true;
        }
      }
      if (!found) {
        c_.error(lead->value.mark, m.path(lead->key),
                 "no fault of this scenario is " + fault_text(e.fault) + " (its faults: " +
                     list_names(listed) + ")");
        return std::nullopt;
      }
      return e;
    }
    if (lead->key == "action") {
      e.kind = EventRef::Kind::kAction;
      MapReader m(c_, n, path, {"action", "target"});
      if (!m.valid()) return std::nullopt;
      if (!read_action_kind(lead->value, m.path("action"), e.action.kind)) return std::nullopt;
      if (!read_target(m, e.action.target)) return std::nullopt;
      return e;
    }
    e.kind = EventRef::Kind::kAlert;
    MapReader m(c_, n, path, {"alert", "signal", "service", "source"});
    if (!m.valid()) return std::nullopt;
    auto sev = read_severities(lead->value, m.path("alert"));
    if (!sev) return std::nullopt;
    e.alert.severities = *sev;
    if (!read_alert_fields(m, e.alert)) return std::nullopt;
    return e;
  }

  // within, after, before; fills the defaults and the window's text.
  bool read_window(MapReader& m, Expectation& x, bool absence, std::string& text) {
    bool ok = true;
    if (const DocNode* n = m.get("within")) {
      if (auto v = read_duration(c_, *n, m.path("within"), {.positive = true})) {
        x.within = *v;
      } else {
        ok = false;
      }
    }
    if (const DocNode* n = m.get("after")) {
      x.after = read_event(*n, m.path("after"));
      ok = ok && x.after.has_value();
    }
    if (const DocNode* n = m.get("before")) {
      x.before = read_event(*n, m.path("before"));
      ok = ok && x.before.has_value();
    }
    if (!ok) return false;
    const bool written_after = x.after.has_value();
    if (!x.after) {
      EventRef def;
      def.kind = (absence && !x.within) || s_.faults.empty() ? EventRef::Kind::kStart
                                                             : EventRef::Kind::kFirstFault;
      x.after = def;
    }
    if (x.within) {
      text += " within " + sim::format_duration(*x.within) + " of " + event_text(*x.after);
    } else if (written_after || (!absence && x.after->kind != EventRef::Kind::kStart)) {
      text += " after " + event_text(*x.after);
    }
    if (x.before) text += " before " + event_text(*x.before);
    return true;
  }

  // --- the kinds ---------------------------------------------------------------

  void read_alert(const DocNode& item, const std::string& path, ExpectationKind kind) {
    const bool absence = kind == ExpectationKind::kNoAlert;
    const std::string lead = absence ? "no_alert" : "alert";
    MapReader m(c_, item, path, with(kAlertKeys, lead));
    if (!m.valid()) return;
    Expectation x;
    x.kind = kind;
    x.line = item.mark.line;
    bool ok = true;
    if (auto sev = read_severities(*m.get(lead), m.path(lead))) {
      x.alert.severities = *sev;
    } else {
      ok = false;
    }
    ok = read_alert_fields(m, x.alert) && ok;
    std::string window;
    ok = read_window(m, x, absence, window) && ok;
    if (!ok) return;
    x.text = (absence ? "no " : "") + alert_text(x.alert, true) + window;
    s_.expectations.push_back(std::move(x));
  }

  void read_action(const DocNode& item, const std::string& path, ExpectationKind kind) {
    const bool absence = kind == ExpectationKind::kNoAction;
    const std::string lead = absence ? "no_action" : "action";
    MapReader m(c_, item, path, with(kActionKeys, lead));
    if (!m.valid()) return;
    Expectation x;
    x.kind = kind;
    x.line = item.mark.line;
    bool ok = read_action_kind(*m.get(lead), m.path(lead), x.action.kind);
    ok = read_target(m, x.action.target) && ok;
    std::string window;
    ok = read_window(m, x, absence, window) && ok;
    if (!ok) return;
    x.text = (absence ? "no action " : "action ") + action_text(x.action) + window;
    s_.expectations.push_back(std::move(x));
  }

  void read_metrics(const DocNode& item, const std::string& path) {
    MapReader m(c_, item, path, {"metrics"});
    if (!m.valid()) return;
    const DocNode& n = *m.get("metrics");
    const std::string mpath = m.path("metrics");
    if (n.type != Type::kMap || n.members.empty()) {
      c_.error(n.mark, mpath,
               "expected a mapping of metric bounds such as {writes_lost: 0, ttr_s: <= 1800}, "
               "got " + describe(n));
      return;
    }
    const std::vector<std::string>& known = known_metrics();
    MapReader bounds(c_, n, mpath, keys_of(known));
    if (!bounds.valid()) return;
    for (const DocMember& b : n.members) {
      if (std::find(known.begin(), known.end(), b.key) == known.end()) continue;
      const std::string bpath = member_path(mpath, b.key);
      Expectation x;
      x.kind = ExpectationKind::kMetric;
      x.line = b.key_mark.line;
      x.metric = b.key;
      if (!read_bound(b.value, bpath, x)) continue;
      x.text = x.metric + " " + to_string(x.op) + " " + number_text(x.value);
      s_.expectations.push_back(std::move(x));
    }
  }

  // A number (== it) or a string "OP NUMBER" with OP one of == != < <= > >=.
  bool read_bound(const DocNode& n, const std::string& path, Expectation& x) {
    const std::string expected =
        "expected a number, or a comparison such as '<= 1800' (==, !=, <, <=, >, >=)";
    if (n.type == Type::kInteger || n.type == Type::kFloat) {
      auto v = read_number(c_, n, path, Range{});
      if (!v) return false;
      x.op = Comparison::kEq;
      x.value = *v;
      return true;
    }
    if (n.type != Type::kString) {
      c_.error(n.mark, path, expected + ", got " + describe(n));
      return false;
    }
    std::string_view t = n.text;
    auto skip = [&] {
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    };
    skip();
    static const std::pair<std::string_view, Comparison> kOps[] = {
        {"==", Comparison::kEq}, {"!=", Comparison::kNe}, {"<=", Comparison::kLe},
        {">=", Comparison::kGe}, {"<", Comparison::kLt},  {">", Comparison::kGt}};
    bool found = false;
    for (const auto& [text, op] : kOps) {
      if (t.substr(0, text.size()) == text) {
        x.op = op;
        t.remove_prefix(text.size());
        found = true;
        break;
      }
    }
    skip();
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    double v = 0.0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (!found || t.empty() || ec != std::errc() || end != t.data() + t.size() ||
        !std::isfinite(v)) {
      c_.error(n.mark, path, expected + ", got " + quote(n.text));
      return false;
    }
    x.value = v;
    return true;
  }

  void read_always(const DocNode& item, const std::string& path) {
    MapReader m(c_, item, path, {"always"});
    if (!m.valid()) return;
    auto v = read_enum(c_, *m.get("always"), m.path("always"), keys_of(invariant_names()),
                       "invariant");
    if (!v) return;
    Expectation x;
    x.kind = ExpectationKind::kAlways;
    x.line = item.mark.line;
    x.invariant = static_cast<Invariant>(*v);
    x.text = "always " + invariant_names()[*v];
    s_.expectations.push_back(std::move(x));
  }

  void read_eventually(const DocNode& item, const std::string& path) {
    MapReader m(c_, item, path, {"eventually", "within"});
    if (!m.valid()) return;
    auto v = read_enum(c_, *m.get("eventually"), m.path("eventually"), keys_of(condition_names()),
                       "condition");
    Expectation x;
    x.kind = ExpectationKind::kEventually;
    x.line = item.mark.line;
    bool ok = v.has_value();
    if (const DocNode* n = m.get("within")) {
      if (auto d = read_duration(c_, *n, m.path("within"), {.positive = true})) {
        x.within = *d;
        if (s_.faults.empty()) {
          c_.error(n->mark, m.path("within"),
                   "'within' counts from the last fault's end, and this scenario has no fault");
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    if (!ok) return;
    x.condition = static_cast<Condition>(*v);
    x.text = "eventually " + condition_names()[*v];
    if (x.within) x.text += " within " + sim::format_duration(*x.within) + " of the last fault's end";
    s_.expectations.push_back(std::move(x));
  }

  void read_reachable(const DocNode& item, const std::string& path) {
    MapReader m(c_, item, path, {"reachable"});
    if (!m.valid()) return;
    const DocNode& n = *m.get("reachable");
    const std::string rpath = m.path("reachable");
    Expectation x;
    x.kind = ExpectationKind::kReachable;
    x.line = item.mark.line;
    if (n.type == Type::kString) {
      if (!read_action_kind(n, rpath, x.action.kind)) return;
      x.reach = Expectation::Reach::kAction;
      x.text = "reachable action " + x.action.kind;
      s_.expectations.push_back(std::move(x));
      return;
    }
    if (n.type != Type::kMap) {
      c_.error(n.mark, rpath,
               "expected an action kind, or a mapping led by action, alert or note "
               "(e.g. {note: \"grading 10%\"}), got " + describe(n));
      return;
    }
    const DocNode* lead = nullptr;
    for (const DocMember& mm : n.members) {
      if (mm.key == "action" || mm.key == "alert" || mm.key == "note") {
        if (lead != nullptr) {
          c_.error(n.mark, rpath, "a reachable step is one of action, alert or note, not several");
          return;
        }
        lead = &mm.value;
        if (mm.key == "action") x.reach = Expectation::Reach::kAction;
        if (mm.key == "alert") x.reach = Expectation::Reach::kAlert;
        if (mm.key == "note") x.reach = Expectation::Reach::kNote;
      }
    }
    if (lead == nullptr) {
      c_.error(n.mark, rpath, "a reachable step is led by action, alert or note");
      return;
    }
    switch (x.reach) {
      case Expectation::Reach::kAction: {
        MapReader r(c_, n, rpath, {"action", "target"});
        if (!r.valid() || !read_action_kind(*lead, r.path("action"), x.action.kind) ||
            !read_target(r, x.action.target)) {
          return;
        }
        x.text = "reachable action " + action_text(x.action);
        break;
      }
      case Expectation::Reach::kAlert: {
        MapReader r(c_, n, rpath, {"alert", "signal", "service", "source"});
        if (!r.valid()) return;
        auto sev = read_severities(*lead, r.path("alert"));
        if (!sev) return;
        x.alert.severities = *sev;
        if (!read_alert_fields(r, x.alert)) return;
        x.text = "reachable " + alert_text(x.alert, true);
        break;
      }
      case Expectation::Reach::kNote: {
        MapReader r(c_, n, rpath, {"note", "controller"});
        if (!r.valid()) return;
        auto text = read_string(c_, *lead, r.path("note"));
        if (!text) return;
        x.note = *text;
        if (const DocNode* cn = r.get("controller")) {
          auto ctl = read_string(c_, *cn, r.path("controller"));
          if (!ctl) return;
          x.note_controller = *ctl;
        }
        x.text = "reachable note '" + x.note + "'";
        if (!x.note_controller.empty()) x.text += " from " + x.note_controller;
        break;
      }
    }
    s_.expectations.push_back(std::move(x));
  }

  static const std::vector<std::string>& all_fault_kinds() {
    static const std::vector<std::string> kinds = [] {
      std::vector<std::string> out;
      for (int k = 0; k <= static_cast<int>(FaultKind::kConfigError); ++k) {
        out.emplace_back(to_string(static_cast<FaultKind>(k)));
      }
      return out;
    }();
    return kinds;
  }

  Checker& c_;
  Scenario& s_;
  std::vector<std::string> targets_;
  std::vector<std::string> fault_names_;
};

}  // namespace

void read_expectation_list(Checker& c, const DocNode& list, Scenario& scenario) {
  ExpectationReader reader(c, scenario);
  reader.read(list);
}

}  // namespace dreamsim::model
