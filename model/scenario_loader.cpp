#include "model/scenario_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include "model/expectations_loader.hpp"
#include "model/procedures_loader.hpp"
#include "model/schema_reader.hpp"
#include "model/topology.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
// The shared schema machinery (Checker, MapReader, read_*, did-you-mean):
// schema_reader.hpp.
using namespace schema;  // NOLINT(google-build-using-namespace): the loader's vocabulary

using Type = DocNode::Type;

constexpr Duration kMinTick = Duration::millis(1);
constexpr int kMaxReplicas = 100000;
constexpr int kMaxRetries = 100;

// A setting name: letters, digits and '_', not starting with a digit.
bool valid_setting_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  const auto head = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!head(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

constexpr Range kAutocorrelation{0, false, 1, true};

// ---------------------------------------------------------------------------
// The schema.

const Keys kTopKeys = {"name",     "description", "seed",        "duration", "tick",
                       "services", "environment", "data_stores", "agents",   "load",
                       "noise",    "faults",      "procedures",  "startup",  "expectations",
                       "deployments"};
const Keys kDeploymentKeys = {"service",        "version",     "at",
                              "strategy",       "latency_factor", "latency_add",
                              "error_rate",     "tests_passed", "reviewed",
                              "dependencies_reachable"};
const Keys kDeploymentStrategies = {"canary", "standard"};  // = DeploymentStrategy order
const Keys kServiceKeys = {"id",
                           "kind",
                           "replicas",
                           "capacity_rps",
                           "service_time",
                           "service_time_cv",
                           "cpu_per_request_ms",
                           "cpu_cores",
                           "memory_base_mb",
                           "memory_per_inflight_mb",
                           "memory_limit_mb",
                           "timeout",
                           "retries",
                           "depends_on",
                           "core",
                           "module",
                           "startup_time",
                           "liveness_ok",
                           "readiness_ok",
                           "requires_env"};
const Keys kServiceKinds = {"service", "database", "queue"};
const Keys kRetryKeys = {"count", "backoff", "budget"};
const Keys kDependencyKeys = {"service", "calls_per_request"};
const Keys kDataStoreKeys = {"id", "service", "write_rate", "flush_interval", "backup", "records"};
const Keys kBackupKeys = {"every", "offset"};
const Keys kAgentKeys = {"id", "key", "calls"};
const Keys kAgentCallKeys = {"service", "rate_rps"};
const Keys kNoiseKeys = {"cv", "autocorrelation"};
const Keys kProfiles = {"constant", "diurnal", "step", "ramp", "spike", "series"};
const Keys kLoadCommonKeys = {"service", "profile", "noise"};
// The parameters of each profile, in kProfiles order.
const std::vector<Keys> kProfileKeys = {
    {"rate_rps"},
    {"peak_rps", "trough_rps", "period", "peak_at"},
    {"rate_rps", "to_rps", "at"},
    {"rate_rps", "to_rps", "at", "length"},
    {"rate_rps", "to_rps", "at", "length"},
    {"file"},
};
const Keys kFaultKinds = {"crash",
                          "hang",
                          "readiness_failure",
                          "latency",
                          "errors",
                          "bad_deploy",
                          "dependency_outage",
                          "memory_leak",
                          "cpu_hog",
                          "traffic_drop",
                          "traffic_surge",
                          "partition",
                          "data_corruption",
                          "agent_compromise",
                          "key_compromise",
                          "full_outage",
                          "config_error"};
const Keys kFaultCommonKeys = {"kind", "target", "at", "duration", "end"};
// The parameters of each fault kind, in kFaultKinds (= FaultKind) order.
const std::vector<Keys> kFaultKeys = {
    {"replicas"},
    {},
    {},
    {"latency_add"},
    {"error_rate"},
    {"version", "weight", "latency_add", "latency_factor", "error_rate"},
    {},
    {"leak_mb_per_min"},
    {"cpu_fraction"},
    {"fraction"},
    {"factor"},
    {"groups"},
    {},
    {"exfil_rps", "calls"},
    {"exfil_rps"},
    {},
    {"check", "setting"},
};
const Keys kConfigChecks = {"database", "queue", "env"};
const Keys kStartupModes = {"none", "standard", "minimal"};  // = StartupMode order

// What `target` names for each fault kind.
enum class TargetRule { kService, kEntryLoad, kDataStore, kAgent, kKey, kNone };

TargetRule target_rule(FaultKind kind) {
  switch (kind) {
    case FaultKind::kTrafficDrop:
    case FaultKind::kTrafficSurge:
      return TargetRule::kEntryLoad;
    case FaultKind::kDataCorruption:
      return TargetRule::kDataStore;
    case FaultKind::kAgentCompromise:
      return TargetRule::kAgent;
    case FaultKind::kKeyCompromise:
      return TargetRule::kKey;
    case FaultKind::kPartition:
    case FaultKind::kFullOutage:
      return TargetRule::kNone;
    default:
      return TargetRule::kService;
  }
}

// Faults that act on a running service, and so cannot take effect while it
// is entirely down.
bool acts_on_running_service(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
    case FaultKind::kHang:
    case FaultKind::kReadinessFailure:
    case FaultKind::kLatency:
    case FaultKind::kErrors:
    case FaultKind::kBadDeploy:
    case FaultKind::kDependencyOutage:
    case FaultKind::kMemoryLeak:
    case FaultKind::kCpuHog:
      return true;
    default:
      return false;
  }
}

// A key written for one profile or fault kind but used in another: where it
// belongs, for the message.
std::string belongs_to(std::string_view key, const Keys& names, const std::vector<Keys>& params,
                       std::string_view here, std::string_view noun) {
  std::vector<std::string> owners;
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(params[i].begin(), params[i].end(), key) != params[i].end()) {
      owners.emplace_back(names[i]);
    }
  }
  if (owners.empty()) return "";
  return "field " + quote(key) + " does not apply to " + std::string(noun) + " " + quote(here) +
         " (it applies to " + list_names(owners) + ")";
}

// Exact decimal seconds ("12", "0.25") to a Duration; no sign, exponent or
// precision beyond a microsecond.
std::optional<Duration> parse_seconds(std::string_view text) {
  int64_t whole = 0;
  size_t i = 0;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (whole > (kMaxDuration.us() / 1000000)) return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
    ++i;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  int64_t frac = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t frac_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_digits == 6) {
        if (text[i] != '0') return std::nullopt;
      } else {
        frac = frac * 10 + (text[i] - '0');
        ++frac_digits;
      }
      ++i;
    }
    if (frac_digits == 0) return std::nullopt;
    while (frac_digits < 6) frac *= 10, ++frac_digits;
  }
  if (i != text.size()) return std::nullopt;
  return Duration::micros(whole * 1000000 + frac);
}

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// ---------------------------------------------------------------------------
// The loader proper: one pass over the document, then the cross-checks.

class Loader {
 public:
  Loader(Checker& c, std::string path) : c_(c), path_(std::move(path)) {
    folder_ = fs::path(path_).parent_path();
  }

  std::optional<Scenario> load(const DocNode& root) {
    if (root.type != Type::kMap) {
      c_.error(root.mark, "",
               "expected a mapping of scenario fields at the top level (seed, duration, "
               "services, ...), got " +
                   describe(root));
      return std::nullopt;
    }
    // Top-level keys that start with "x-" are the user's own (a place for
    // YAML anchors to merge from, as in Compose files); they are not read.
    Keys known = kTopKeys;
    for (const DocMember& m : root.members) {
      if (m.key.rfind("x-", 0) == 0) known.push_back(m.key);
    }
    // A field of a service, load entry or fault written at the top level is
    // most often an indentation slip; say where it belongs.
    MapReader top(c_, root, "", known, [](std::string_view key) -> std::string {
      const auto in = [&](const Keys& keys) {
        return std::find(keys.begin(), keys.end(), key) != keys.end();
      };
      const char* where = nullptr;
      if (in(kServiceKeys)) {
        where = "a service (under services)";
      } else if (in(kFaultCommonKeys)) {
        where = "a fault (under faults)";
      } else {
        for (const Keys& keys : kProfileKeys)
          where = in(keys) ? "a load entry (under load)" : where;
        for (const Keys& keys : kFaultKeys) where = in(keys) ? "a fault (under faults)" : where;
      }
      if (where == nullptr) return "";
      return "unknown field " + quote(key) + " at the top level; it is a field of " + where +
             ": check the indentation";
    });
    s_.path = path_;
    read_header(top);
    read_environment(top);
    read_services(top);
    read_data_stores(top);
    read_agents(top);
    read_noise(top);
    read_load(top);
    read_faults(top);
    read_deployments(top);
    read_procedures(top);
    read_startup(top);
    read_expectations(top);
    if (c_.count() > 0) return std::nullopt;
    std::stable_sort(s_.faults.begin(), s_.faults.end(),
                     [](const Fault& a, const Fault& b) { return a.start < b.start; });
    return std::move(s_);
  }

 private:
  // --- name, seed, duration, tick -----------------------------------------

  void read_header(MapReader& top) {
    s_.name = fs::path(path_).stem().string();
    if (const DocNode* n = top.get("name")) {
      if (auto v = read_string(c_, *n, "name")) {
        if (v->find('\n') != std::string::npos) {
          c_.error(n->mark, "name", "expected a one-line name");
        } else {
          s_.name = *v;
        }
      }
    }
    if (const DocNode* n = top.get("description")) {
      if (auto v = read_string(c_, *n, "description", true)) s_.description = *v;
    }
    if (const DocNode* n = top.get("seed")) {
      if (auto v = read_unsigned(c_, *n, "seed")) s_.seed = *v;
    }
    if (const DocNode* n = top.require("duration", "how long the run lasts, e.g. \"2h\"")) {
      if (auto v = read_duration(c_, *n, "duration", {.positive = true})) {
        s_.duration = *v;
        duration_ok_ = true;
      }
    }
    bool tick_ok = true;
    if (const DocNode* n = top.get("tick")) {
      tick_ok = false;
      if (auto v = read_duration(c_, *n, "tick", {.positive = true})) {
        if (*v < kMinTick) {
          c_.error(n->mark, "tick",
                   "expected a tick of at least " + sim::format_duration(kMinTick) + ", got " +
                       quote(n->text));
        } else {
          s_.tick = *v;
          tick_ok = true;
        }
      }
    }
    if (duration_ok_ && tick_ok) {
      const DocNode* where = top.get("tick") != nullptr ? top.get("tick") : top.get("duration");
      const std::string field = top.get("tick") != nullptr ? "tick" : "duration";
      if (s_.tick > s_.duration) {
        c_.error(where->mark, field,
                 "the tick (" + sim::format_duration(s_.tick) + ") is longer than the run (" +
                     sim::format_duration(s_.duration) + ")");
      } else if (s_.duration.us() % s_.tick.us() != 0) {
        c_.error(where->mark, field,
                 "the duration (" + sim::format_duration(s_.duration) +
                     ") must be a whole number of ticks (" + sim::format_duration(s_.tick) + ")");
      }
    }
  }

  // --- environment ---------------------------------------------------------

  void read_environment(MapReader& top) {
    const DocNode* n = top.get("environment");
    if (n == nullptr) return;
    // Until the list is read, a service's requires_env cannot be checked
    // against it; a broken list should not add a problem per setting.
    environment_ok_ = false;
    const auto* items = read_list(c_, *n, "environment");
    if (items == nullptr) return;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < items->size(); ++i) {
      const DocNode& item = (*items)[i];
      const std::string path = index_path("environment", i);
      auto v = read_string(c_, item, path);
      if (!v) continue;
      if (!valid_setting_name(*v)) {
        c_.error(item.mark, path,
                 "expected a setting name of letters, digits and '_', not starting with a "
                 "digit, got " +
                     describe(item));
        continue;
      }
      if (auto [it, inserted] = seen.emplace(*v, i); !inserted) {
        c_.error(item.mark, path,
                 "duplicate setting " + quote(*v) + " (also environment[" +
                     std::to_string(it->second) + "])");
        continue;
      }
      s_.environment.push_back(*v);
    }
    environment_ok_ = true;
  }

  // --- services ------------------------------------------------------------

  void read_services(MapReader& top) {
    const DocNode* n = top.require("services", "at least one service");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "services");
    if (items == nullptr) return;
    if (items->empty()) {
      c_.error(n->mark, "services", "expected at least one service, got an empty list");
      return;
    }
    services_listed_ = true;
    s_.services.resize(items->size());
    edge_marks_.resize(items->size());
    // First the ids, so that a dependency may name a service declared later.
    for (size_t i = 0; i < items->size(); ++i) {
      const DocNode& item = (*items)[i];
      if (item.type != Type::kMap) continue;
      const DocNode* id = nullptr;
      for (const DocMember& m : item.members) {
        if (m.key == "id") {
          id = &m.value;
          break;
        }
      }
      if (id == nullptr) continue;
      const std::string path = index_path("services", i) + ".id";
      auto v = read_id(c_, *id, path);
      if (!v) continue;
      if (auto [it, inserted] = service_ids_.emplace(*v, i); !inserted) {
        c_.error(id->mark, path,
                 "duplicate service id " + quote(*v) + " (first declared at services[" +
                     std::to_string(it->second) + "])");
        continue;
      }
      s_.services[i].id = *v;
      service_names_.push_back(*v);
    }
    for (size_t i = 0; i < items->size(); ++i) read_service(i, (*items)[i]);
    check_graph();
  }

  void read_service(size_t i, const DocNode& node) {
    Service& svc = s_.services[i];
    if (node.type == Type::kString) {
      c_.error(node.mark, index_path("services", i),
               "expected a mapping with at least an id, got " + describe(node) +
                   " (write: - id: " + node.text + ")");
      return;
    }
    MapReader m(c_, node, index_path("services", i), kServiceKeys);
    if (!m.valid()) return;
    m.require("id");
    if (const DocNode* n = m.get("kind")) {
      if (auto v = read_enum(c_, *n, m.path("kind"), kServiceKinds, "service kind")) {
        svc.kind = static_cast<ServiceKind>(*v);
      }
    }
    if (const DocNode* n = m.get("replicas")) {
      if (auto v = read_integer(c_, *n, m.path("replicas"), 1, kMaxReplicas)) {
        svc.replicas = static_cast<int>(*v);
      }
    }
    read_double(m, "capacity_rps", kPositive, svc.capacity_rps);
    read_dur(m, "service_time", {.positive = true}, svc.service_time);
    read_double(m, "service_time_cv", kNonNegative, svc.service_time_cv);
    read_double(m, "cpu_per_request_ms", kNonNegative, svc.cpu_per_request_ms);
    read_double(m, "cpu_cores", kPositive, svc.cpu_cores);
    const bool base_ok = read_double(m, "memory_base_mb", kNonNegative, svc.memory_base_mb);
    read_double(m, "memory_per_inflight_mb", kNonNegative, svc.memory_per_inflight_mb);
    const bool limit_ok = read_double(m, "memory_limit_mb", kPositive, svc.memory_limit_mb);
    if (base_ok && limit_ok && svc.memory_base_mb >= svc.memory_limit_mb) {
      const DocNode* where =
          m.get("memory_limit_mb") != nullptr ? m.get("memory_limit_mb") : m.get("memory_base_mb");
      const std::string field =
          m.get("memory_limit_mb") != nullptr ? "memory_limit_mb" : "memory_base_mb";
      c_.error(where != nullptr ? where->mark : node.mark, m.path(field),
               "memory_base_mb (" + number_text(svc.memory_base_mb) +
                   ") must be below memory_limit_mb (" + number_text(svc.memory_limit_mb) +
                   "), or the service starts out of memory");
    }
    read_dur(m, "timeout", {.positive = true}, svc.timeout);
    if (const DocNode* n = m.get("retries")) {
      MapReader r(c_, *n, m.path("retries"), kRetryKeys);
      if (r.valid()) {
        if (const DocNode* cn = r.get("count")) {
          if (auto v = read_integer(c_, *cn, r.path("count"), 0, kMaxRetries)) {
            svc.retries.count = static_cast<int>(*v);
          }
        }
        read_dur(r, "backoff", {}, svc.retries.backoff);
        read_double(r, "budget", kFraction, svc.retries.budget);
      }
    }
    if (const DocNode* n = m.get("depends_on")) read_dependencies(i, *n, m.path("depends_on"));
    if (const DocNode* n = m.get("core")) {
      if (auto v = read_bool(c_, *n, m.path("core"))) svc.core = *v;
    }
    if (const DocNode* n = m.get("module")) {
      if (auto v = read_string(c_, *n, m.path("module"))) svc.module = *v;
    }
    read_dur(m, "startup_time", {}, svc.startup_time);
    if (const DocNode* n = m.get("liveness_ok")) {
      if (auto v = read_bool(c_, *n, m.path("liveness_ok"))) svc.liveness_ok = *v;
    }
    if (const DocNode* n = m.get("readiness_ok")) {
      if (auto v = read_bool(c_, *n, m.path("readiness_ok"))) svc.readiness_ok = *v;
    }
    if (const DocNode* n = m.get("requires_env"))
      read_requires_env(svc, *n, m.path("requires_env"));
  }

  void read_dependencies(size_t i, const DocNode& node, const std::string& path) {
    const auto* items = read_list(c_, node, path);
    if (items == nullptr) return;
    Service& svc = s_.services[i];
    std::map<size_t, size_t> seen;  // dependency -> entry index
    for (size_t k = 0; k < items->size(); ++k) {
      const DocNode& item = (*items)[k];
      const std::string item_path = index_path(path, k);
      const DocNode* name = &item;
      std::string name_path = item_path;
      double calls = 1.0;
      if (item.type == Type::kMap) {
        MapReader d(c_, item, item_path, kDependencyKeys);
        name = d.require("service");
        name_path = d.path("service");
        read_double(d, "calls_per_request", Range{0, true, 1000, false}, calls);
        if (name == nullptr) continue;
      } else if (item.type != Type::kString) {
        c_.error(item.mark, item_path,
                 "expected a service id or a mapping {service, calls_per_request}, got " +
                     describe(item));
        continue;
      }
      auto target = resolve_service(*name, name_path);
      if (!target) continue;
      if (auto [it, inserted] = seen.emplace(*target, k); !inserted) {
        c_.error(name->mark, name_path,
                 quote(name->text) + " is already listed at " + index_path(path, it->second) +
                     "; list each dependency once (use calls_per_request for several calls)");
        continue;
      }
      svc.depends_on.push_back(DependencyEdge{*target, calls});
      edge_marks_[i].push_back(EdgeMark{name->mark, name_path});
    }
  }

  void read_requires_env(Service& svc, const DocNode& node, const std::string& path) {
    const auto* items = read_list(c_, node, path);
    if (items == nullptr) return;
    for (size_t k = 0; k < items->size(); ++k) {
      const DocNode& item = (*items)[k];
      const std::string item_path = index_path(path, k);
      auto v = read_string(c_, item, item_path);
      if (!v) continue;
      if (std::find(svc.requires_env.begin(), svc.requires_env.end(), *v) !=
          svc.requires_env.end()) {
        c_.error(item.mark, item_path, "duplicate setting " + quote(*v));
        continue;
      }
      if (environment_ok_ &&
          std::find(s_.environment.begin(), s_.environment.end(), *v) == s_.environment.end()) {
        c_.error(item.mark, item_path,
                 "setting " + quote(*v) + " is not in environment" +
                     did_you_mean(*v, s_.environment) +
                     " (settings present: " + list_names(s_.environment) +
                     "). Add it to environment, or use a config_error fault to simulate a "
                     "missing setting");
        continue;
      }
      svc.requires_env.push_back(*v);
    }
  }

  // The dependency graph: cycles, named service by service.
  void check_graph() {
    auto built = std::make_unique<Topology>(s_.services);
    const Topology& topology = *built;
    for (const Topology::Cycle& cycle : topology.cycles()) {
      const size_t from = cycle.path[0];
      const size_t to = cycle.path[1];
      // Point at the depends_on entry of the first service that closes the
      // cycle's first step.
      const std::vector<DependencyEdge>& deps = s_.services[from].depends_on;
      size_t k = 0;
      while (k < deps.size() && deps[k].service != to) ++k;
      std::string message =
          topology.describe(cycle) + "; a service cannot wait for itself to start";
      if (cycle.component.size() + 1 > cycle.path.size()) {
        std::vector<std::string> names;
        for (size_t v : cycle.component) names.push_back(s_.services[v].id);
        message += " (services on cycles with it: " + list_names(names) + ")";
      }
      const EdgeMark& em = edge_marks_[from][k];
      c_.error(em.mark, em.path, message);
    }
    if (topology.is_acyclic()) topology_ = std::move(built);
  }

  std::optional<size_t> resolve_service(const DocNode& name, const std::string& path) {
    auto v = read_string(c_, name, path);
    if (!v) return std::nullopt;
    if (auto it = service_ids_.find(*v); it != service_ids_.end()) return it->second;
    if (services_listed_) {
      c_.error(name.mark, path,
               "unknown service " + quote(*v) + elsewhere(*v) + did_you_mean(*v, service_names_) +
                   " (known services: " + list_names(service_names_) + ")");
    }
    return std::nullopt;
  }

  // For a name that is not what was expected here but is known as something
  // else: "; 'orders' is a data store".
  std::string elsewhere(const std::string& name) const {
    if (service_ids_.count(name)) return "; " + quote(name) + " is a service";
    if (store_ids_.count(name)) return "; " + quote(name) + " is a data store";
    if (agent_ids_.count(name)) return "; " + quote(name) + " is an agent";
    if (key_agents_.count(name)) return "; " + quote(name) + " is an agent's key";
    return "";
  }

  // --- data stores -----------------------------------------------------------

  void read_data_stores(MapReader& top) {
    const DocNode* n = top.get("data_stores");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "data_stores");
    if (items == nullptr) return;
    for (size_t i = 0; i < items->size(); ++i) {
      const std::string path = index_path("data_stores", i);
      DataStore store;
      MapReader m(c_, (*items)[i], path, kDataStoreKeys);
      if (!m.valid()) continue;
      if (const DocNode* id = m.require("id")) {
        if (auto v = read_id(c_, *id, m.path("id"))) {
          if (auto [it, inserted] = store_ids_.emplace(*v, s_.data_stores.size()); !inserted) {
            c_.error(id->mark, m.path("id"), "duplicate data store id " + quote(*v));
          } else {
            store.id = *v;
            store_names_.push_back(*v);
          }
        }
      }
      if (const DocNode* svc = m.require("service", "the database service that hosts it")) {
        if (auto v = resolve_service(*svc, m.path("service"))) {
          store.service = *v;
          if (s_.services[*v].kind != ServiceKind::kDatabase) {
            c_.error(svc->mark, m.path("service"),
                     "expected a service of kind database, got " + quote(svc->text) + " of kind " +
                         to_string(s_.services[*v].kind));
          }
        }
      }
      read_double(m, "write_rate", kNonNegative, store.write_rate);
      read_dur(m, "flush_interval", {.positive = true}, store.flush_interval);
      if (const DocNode* b = m.get("backup")) {
        MapReader bm(c_, *b, m.path("backup"), kBackupKeys);
        if (bm.valid()) {
          Backup backup;
          if (const DocNode* every = bm.require("every", "how often a backup is taken")) {
            if (auto v = read_duration(c_, *every, bm.path("every"), {.positive = true})) {
              backup.every = *v;
            }
          }
          read_dur(bm, "offset", {}, backup.offset);
          store.backup = backup;
        }
      }
      if (const DocNode* r = m.get("records")) {
        if (auto v = read_unsigned(c_, *r, m.path("records"))) store.records = *v;
      }
      s_.data_stores.push_back(std::move(store));
    }
  }

  // --- agents ------------------------------------------------------------------

  void read_agents(MapReader& top) {
    const DocNode* n = top.get("agents");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "agents");
    if (items == nullptr) return;
    for (size_t i = 0; i < items->size(); ++i) {
      const std::string path = index_path("agents", i);
      Agent agent;
      MapReader m(c_, (*items)[i], path, kAgentKeys);
      if (!m.valid()) continue;
      if (const DocNode* id = m.require("id")) {
        if (auto v = read_id(c_, *id, m.path("id"))) {
          if (auto [it, inserted] = agent_ids_.emplace(*v, s_.agents.size()); !inserted) {
            c_.error(id->mark, m.path("id"), "duplicate agent id " + quote(*v));
          } else {
            agent.id = *v;
            agent_names_.push_back(*v);
          }
        }
      }
      if (const DocNode* key = m.require("key", "the credential the agent uses")) {
        if (auto v = read_string(c_, *key, m.path("key"))) {
          agent.key = *v;
          if (!key_agents_.count(*v)) key_names_.push_back(*v);
          key_agents_.emplace(*v, s_.agents.size());
        }
      }
      if (const DocNode* calls = m.get("calls")) read_calls(*calls, m.path("calls"), agent.calls);
      s_.agents.push_back(std::move(agent));
    }
  }

  // An agent's calls: a list of {service, rate_rps}, each service once.
  void read_calls(const DocNode& node, const std::string& path, std::vector<AgentCall>& out) {
    const auto* list = read_list(c_, node, path);
    if (list == nullptr) return;
    std::set<size_t> seen;
    for (size_t k = 0; k < list->size(); ++k) {
      const std::string call_path = index_path(path, k);
      MapReader cm(c_, (*list)[k], call_path, kAgentCallKeys);
      if (!cm.valid()) continue;
      AgentCall call;
      if (const DocNode* svc = cm.require("service")) {
        if (auto v = resolve_service(*svc, cm.path("service"))) {
          call.service = *v;
          if (!seen.insert(*v).second) {
            c_.error(svc->mark, cm.path("service"),
                     "the agent already calls " + quote(svc->text) + "; list each service once");
          }
        }
      }
      if (const DocNode* rate = cm.require("rate_rps", "calls per second")) {
        if (auto v = read_number(c_, *rate, cm.path("rate_rps"), kNonNegative)) {
          call.rate_rps = *v;
        }
      }
      out.push_back(call);
    }
  }

  // --- load ------------------------------------------------------------------

  void read_noise_fields(MapReader& m, LoadNoise& noise) {
    read_double(m, "cv", kNonNegative, noise.cv);
    read_double(m, "autocorrelation", kAutocorrelation, noise.autocorrelation);
  }

  void read_noise(MapReader& top) {
    if (const DocNode* n = top.get("noise")) {
      MapReader m(c_, *n, "noise", kNoiseKeys);
      if (m.valid()) read_noise_fields(m, s_.noise);
    }
  }

  void read_load(MapReader& top) {
    const DocNode* n = top.get("load");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "load");
    if (items == nullptr) return;
    std::map<size_t, size_t> seen;  // service -> load entry
    for (size_t i = 0; i < items->size(); ++i) {
      const DocNode& item = (*items)[i];
      const std::string path = index_path("load", i);
      // The profile decides which keys are known, so it is read first.
      std::optional<size_t> profile;
      if (item.type == Type::kMap) {
        for (const DocMember& mem : item.members) {
          if (mem.key == "profile") {
            profile =
                read_enum(c_, mem.value, member_path(path, "profile"), kProfiles, "load profile");
            break;
          }
        }
      }
      Keys known = kLoadCommonKeys;
      for (size_t k = 0; k < kProfileKeys.size(); ++k) {
        if (profile && k != *profile) continue;
        for (std::string_view key : kProfileKeys[k]) {
          if (std::find(known.begin(), known.end(), key) == known.end()) known.push_back(key);
        }
      }
      const std::string here = profile ? std::string(kProfiles[*profile]) : std::string();
      MapReader m(c_, item, path, known, [&](std::string_view key) {
        return profile ? belongs_to(key, kProfiles, kProfileKeys, here, "profile") : "";
      });
      if (!m.valid()) continue;
      EntryLoad entry;
      entry.noise = s_.noise;
      if (const DocNode* svc = m.require("service", "the service that receives the load")) {
        if (auto v = resolve_service(*svc, m.path("service"))) {
          entry.service = *v;
          if (auto [it, inserted] = seen.emplace(*v, i); !inserted) {
            c_.error(svc->mark, m.path("service"),
                     quote(svc->text) + " already has an entry load at load[" +
                         std::to_string(it->second) + "]; give each service one entry");
          } else {
            load_by_service_[*v] = i;
          }
        }
      }
      if (m.get("profile") == nullptr) {
        m.require("profile", "one of: " + list_keys(kProfiles));
      }
      if (const DocNode* noise = m.get("noise")) {
        MapReader nm(c_, *noise, m.path("noise"), kNoiseKeys);
        if (nm.valid()) read_noise_fields(nm, entry.noise);
      }
      if (profile) read_profile(m, static_cast<LoadProfileKind>(*profile), entry.profile);
      s_.load.push_back(std::move(entry));
    }
  }

  void read_profile(MapReader& m, LoadProfileKind kind, LoadProfile& p) {
    p.kind = kind;
    const auto required_rate = [&](std::string_view key, double& out) {
      if (const DocNode* n = m.require(key)) {
        if (auto v = read_number(c_, *n, m.path(key), kNonNegative)) out = *v;
      }
    };
    const auto required_time = [&](std::string_view key, Duration& out, DurationRule rule) {
      if (const DocNode* n = m.require(key)) {
        if (auto v = read_duration(c_, *n, m.path(key), rule)) {
          out = *v;
          return true;
        }
      }
      return false;
    };
    switch (kind) {
      case LoadProfileKind::kConstant:
        required_rate("rate_rps", p.rate_rps);
        break;
      case LoadProfileKind::kDiurnal: {
        double peak = -1;
        double trough = -1;
        required_rate("peak_rps", peak);
        required_rate("trough_rps", trough);
        if (peak >= 0) p.peak_rps = peak;
        if (trough >= 0) p.trough_rps = trough;
        if (peak >= 0 && trough >= 0 && trough > peak) {
          c_.error(m.get("trough_rps")->mark, m.path("trough_rps"),
                   "trough_rps (" + number_text(trough) + ") must not exceed peak_rps (" +
                       number_text(peak) + ")");
        }
        const bool period_ok = read_dur(m, "period", {.positive = true}, p.period);
        const bool peak_at_ok = read_dur(m, "peak_at", {}, p.peak_at);
        if (period_ok && peak_at_ok && p.peak_at >= p.period) {
          const DocNode* where = m.get("peak_at") != nullptr ? m.get("peak_at") : &m.node();
          c_.error(where->mark, m.path("peak_at"),
                   "peak_at (" + sim::format_duration(p.peak_at) + ") must be within the period (" +
                       sim::format_duration(p.period) + ")");
        }
        break;
      }
      case LoadProfileKind::kStep:
      case LoadProfileKind::kRamp:
      case LoadProfileKind::kSpike: {
        required_rate("rate_rps", p.rate_rps);
        required_rate("to_rps", p.to_rps);
        if (required_time("at", p.at, {}) && duration_ok_ && p.at >= s_.duration) {
          c_.error(m.get("at")->mark, m.path("at"),
                   "the " + std::string(to_string(kind)) + " starts at " +
                       sim::format_duration(p.at) + ", not before the end of the run (" +
                       sim::format_duration(s_.duration) + "), so it never shows");
        }
        if (kind != LoadProfileKind::kStep) required_time("length", p.length, {.positive = true});
        break;
      }
      case LoadProfileKind::kSeries:
        if (const DocNode* n = m.require("file", "a CSV file with a header t_s,rate_rps")) {
          if (auto v = read_string(c_, *n, m.path("file"))) read_series(*n, m.path("file"), *v, p);
        }
        break;
    }
  }

  void read_series(const DocNode& node, const std::string& path, const std::string& name,
                   LoadProfile& p) {
    const fs::path resolved = (folder_ / fs::path(name)).lexically_normal();
    p.series_path = resolved.string();
    std::string why;
    auto text = read_file(resolved, why);
    if (!text) {
      const std::string where =
          p.series_path == name ? std::string() : " (looked for " + p.series_path + ")";
      c_.error(node.mark, path,
               "cannot read the load series " + quote(name) + where + ": " + why +
                   "; paths are relative to the scenario file");
      return;
    }
    const std::string& csv = p.series_path;
    const size_t before = c_.count();
    std::istringstream in(*text);
    std::string line;
    int line_no = 0;
    bool header = false;
    int last_line = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (c_.count() - before >= 20) {
        c_.error_in(csv, line_no, path, "too many problems in this file; stopping here");
        return;
      }
      const std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      if (!header) {
        std::string compact;
        for (char ch : t) {
          if (ch != ' ' && ch != '\t') compact.push_back(ch);
        }
        if (compact != "t_s,rate_rps") {
          c_.error_in(csv, line_no, path,
                      "expected the header 't_s,rate_rps', got " + quote(t.substr(0, 60)));
          return;
        }
        header = true;
        continue;
      }
      const size_t comma = t.find(',');
      if (comma == std::string::npos || t.find(',', comma + 1) != std::string::npos) {
        c_.error_in(csv, line_no, path,
                    "expected two fields 't_s,rate_rps', got " + quote(t.substr(0, 60)));
        continue;
      }
      const std::string ts = trim(std::string_view(t).substr(0, comma));
      const std::string rs = trim(std::string_view(t).substr(comma + 1));
      const std::optional<Duration> at = parse_seconds(ts);
      if (!at) {
        c_.error_in(csv, line_no, path,
                    "expected t_s as seconds >= 0 (e.g. 0, 60, 0.5; at most 6 decimals), got " +
                        quote(ts.substr(0, 40)));
      }
      double rate = 0;
      const auto [ptr, ec] = std::from_chars(rs.data(), rs.data() + rs.size(), rate);
      const bool rate_ok = !rs.empty() && ec == std::errc() && ptr == rs.data() + rs.size() &&
                           std::isfinite(rate) && rate >= 0;
      if (!rate_ok) {
        c_.error_in(csv, line_no, path,
                    "expected rate_rps as a number >= 0, got " + quote(rs.substr(0, 40)));
      }
      if (!at || !rate_ok) continue;
      if (!p.series.empty() && *at <= p.series.back().first) {
        c_.error_in(csv, line_no, path,
                    "t_s must increase from row to row: " + ts + " is not after " +
                        number_text(p.series.back().first.seconds_f()) + " (line " +
                        std::to_string(last_line) + ")");
        continue;
      }
      p.series.emplace_back(*at, rate);
      last_line = line_no;
    }
    if (!header) {
      c_.error_in(csv, 0, path,
                  "the series file is empty; expected a header 't_s,rate_rps' and rows");
    } else if (p.series.empty() && c_.count() == before) {
      c_.error_in(csv, 0, path, "the series has a header but no rows");
    }
  }

  // --- faults ----------------------------------------------------------------

  void read_faults(MapReader& top) {
    const DocNode* n = top.get("faults");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "faults");
    if (items == nullptr) return;
    for (size_t i = 0; i < items->size(); ++i) read_fault(i, (*items)[i]);
    check_shadowed_faults();
  }

  void read_fault(size_t i, const DocNode& node) {
    const std::string path = index_path("faults", i);
    std::optional<size_t> kind_index;
    if (node.type == Type::kMap) {
      for (const DocMember& mem : node.members) {
        if (mem.key == "kind") {
          kind_index =
              read_enum(c_, mem.value, member_path(path, "kind"), kFaultKinds, "fault kind");
          break;
        }
      }
    }
    // Without a valid kind, any kind's parameters are accepted here, so that
    // the one real problem (the kind) is not buried under unknown fields.
    Keys known = kFaultCommonKeys;
    for (size_t k = 0; k < kFaultKeys.size(); ++k) {
      if (kind_index && k != *kind_index) continue;
      for (std::string_view key : kFaultKeys[k]) {
        if (std::find(known.begin(), known.end(), key) == known.end()) known.push_back(key);
      }
    }
    const std::string here = kind_index ? std::string(kFaultKinds[*kind_index]) : std::string();
    MapReader m(c_, node, path, known, [&](std::string_view key) {
      return kind_index ? belongs_to(key, kFaultKinds, kFaultKeys, here, "fault kind") : "";
    });
    if (!m.valid()) return;
    if (!kind_index) {
      if (m.get("kind") == nullptr) m.require("kind", "one of: " + list_keys(kFaultKinds));
      return;
    }
    Fault f;
    f.kind = static_cast<FaultKind>(*kind_index);
    f.declared = i;
    const size_t before = c_.count();
    read_fault_timing(m, f);
    read_fault_target(m, f);
    read_fault_parameters(m, f);
    if (c_.count() == before) {
      s_.faults.push_back(f);
      fault_marks_.push_back(node.mark);
    }
  }

  void read_fault_timing(MapReader& m, Fault& f) {
    const DocNode* at = m.require("at", "when the fault starts, e.g. \"10m\"");
    bool start_ok = false;
    if (at != nullptr) {
      if (auto v = read_duration(c_, *at, m.path("at"), {})) {
        f.start = Time::zero() + *v;
        start_ok = true;
        if (duration_ok_ && *v >= s_.duration) {
          c_.error(at->mark, m.path("at"),
                   "the fault starts at " + sim::format_duration(*v) +
                       ", not before the end of the run (" + sim::format_duration(s_.duration) +
                       "), so it can never take effect");
        }
      }
    }
    const DocNode* length = m.get("duration");
    const DocNode* end = m.get("end");
    if (length != nullptr && end != nullptr) {
      c_.error(end->mark, m.path("end"),
               "give either 'duration' or 'end', not both (end = at + duration)");
      return;
    }
    if (length != nullptr) {
      if (auto v = read_duration(c_, *length, m.path("duration"), {.positive = true})) {
        if (start_ok) f.end = f.start + *v;
      }
    } else if (end != nullptr) {
      if (auto v = read_duration(c_, *end, m.path("end"), {})) {
        if (start_ok) {
          if (Time::zero() + *v <= f.start) {
            c_.error(end->mark, m.path("end"),
                     "the fault ends at " + sim::format_duration(*v) +
                         ", which is not after its start (" +
                         sim::format_duration(f.start.since_start()) + ")");
          } else {
            f.end = Time::zero() + *v;
          }
        }
      }
    }
  }

  void read_fault_target(MapReader& m, Fault& f) {
    const TargetRule rule = target_rule(f.kind);
    const DocNode* target = m.get("target");
    const std::string kind = to_string(f.kind);
    const std::string path = m.path("target");
    if (rule == TargetRule::kNone) {
      f.target_kind =
          f.kind == FaultKind::kFullOutage ? FaultTargetKind::kAllServices : FaultTargetKind::kNone;
      if (target != nullptr) {
        c_.error(target->mark, path,
                 f.kind == FaultKind::kPartition
                     ? "a partition takes no target; name the sides with 'groups'"
                     : "a full_outage takes no target; it brings down every service");
      }
      return;
    }
    const char* needs = rule == TargetRule::kDataStore ? "a data store id"
                        : rule == TargetRule::kAgent   ? "an agent id"
                        : rule == TargetRule::kKey     ? "a key held by an agent"
                        : rule == TargetRule::kEntryLoad
                            ? "a service with an entry load, or \"*\" for every entry load"
                            : "a service id";
    if (target == nullptr) {
      m.require("target", "a " + kind + " fault needs " + needs);
      return;
    }
    auto name = read_string(c_, *target, path);
    if (!name) return;
    f.target_name = *name;
    switch (rule) {
      case TargetRule::kService:
      case TargetRule::kEntryLoad: {
        if (rule == TargetRule::kEntryLoad && *name == "*") {
          f.target_kind = FaultTargetKind::kAllServices;
          if (s_.load.empty()) {
            c_.error(target->mark, path,
                     "the " + kind + " cannot take effect: the scenario has no entry load");
          }
          return;
        }
        f.target_kind = FaultTargetKind::kService;
        auto v = resolve_service(*target, path);
        if (!v) return;
        f.target = *v;
        if (rule == TargetRule::kEntryLoad && !load_by_service_.count(*v)) {
          std::vector<std::string> loaded;
          for (const auto& [svc, entry] : load_by_service_) loaded.push_back(s_.services[svc].id);
          c_.error(target->mark, path,
                   "the " + kind + " cannot take effect: " + quote(*name) +
                       " has no entry load (services with entry load: " + list_names(loaded) +
                       "; or \"*\" for all)");
        }
        return;
      }
      case TargetRule::kDataStore: {
        f.target_kind = FaultTargetKind::kDataStore;
        if (auto it = store_ids_.find(*name); it != store_ids_.end()) {
          f.target = it->second;
        } else {
          c_.error(target->mark, path,
                   "unknown data store " + quote(*name) + elsewhere(*name) +
                       did_you_mean(*name, store_names_) +
                       " (known data stores: " + list_names(store_names_) + ")");
        }
        return;
      }
      case TargetRule::kAgent: {
        f.target_kind = FaultTargetKind::kAgent;
        if (auto it = agent_ids_.find(*name); it != agent_ids_.end()) {
          f.target = it->second;
        } else {
          c_.error(target->mark, path,
                   "unknown agent " + quote(*name) + elsewhere(*name) +
                       did_you_mean(*name, agent_names_) +
                       " (known agents: " + list_names(agent_names_) + ")");
        }
        return;
      }
      case TargetRule::kKey: {
        f.target_kind = FaultTargetKind::kKey;
        if (auto it = key_agents_.find(*name); it != key_agents_.end()) {
          f.target = it->second;
        } else {
          c_.error(target->mark, path,
                   "unknown key " + quote(*name) + elsewhere(*name) +
                       did_you_mean(*name, key_names_) +
                       " (keys held by agents: " + list_names(key_names_) + ")");
        }
        return;
      }
      case TargetRule::kNone:
        return;
    }
  }

  void read_fault_parameters(MapReader& m, Fault& f) {
    const bool service_ok = f.target_kind == FaultTargetKind::kService &&
                            f.target < s_.services.size() && !f.target_name.empty() &&
                            service_ids_.count(f.target_name);
    const std::string kind = to_string(f.kind);
    const auto required_number = [&](std::string_view key, const Range& range, double& out,
                                     std::string_view why) {
      if (const DocNode* n = m.require(key, why)) {
        if (auto v = read_number(c_, *n, m.path(key), range)) out = *v;
      }
    };
    switch (f.kind) {
      case FaultKind::kCrash:
        if (const DocNode* n = m.get("replicas")) {
          if (auto v = read_integer(c_, *n, m.path("replicas"), 0, kMaxReplicas)) {
            f.replicas = static_cast<int>(*v);
            if (service_ok && f.replicas > s_.services[f.target].replicas) {
              c_.error(n->mark, m.path("replicas"),
                       "the crash cannot take effect: it takes " + std::to_string(f.replicas) +
                           " replicas, and " + quote(f.target_name) + " has only " +
                           std::to_string(s_.services[f.target].replicas));
            }
          }
        }
        break;
      case FaultKind::kLatency:
        if (const DocNode* n = m.require("latency_add", "the latency added per request")) {
          if (auto v = read_duration(c_, *n, m.path("latency_add"), {.positive = true})) {
            f.latency_add = *v;
          }
        }
        break;
      case FaultKind::kErrors:
        required_number("error_rate", kPositiveFraction, f.error_rate,
                        "the fraction of requests that fail");
        break;
      case FaultKind::kBadDeploy: {
        if (const DocNode* n = m.require("version", "the new version's name")) {
          if (auto v = read_string(c_, *n, m.path("version"))) f.version = *v;
        }
        read_double(m, "weight", kPositiveFraction, f.weight);
        read_dur(m, "latency_add", {}, f.latency_add);
        read_double(m, "latency_factor", Range{1, false, 1000, false}, f.latency_factor);
        read_double(m, "error_rate", kFraction, f.error_rate);
        if (m.get("latency_add") != nullptr || m.get("latency_factor") != nullptr ||
            m.get("error_rate") != nullptr) {
          if (f.latency_add.us() == 0 && f.latency_factor == 1.0 && f.error_rate == 0.0) {
            c_.error(m.node().mark, m.path(),
                     "the bad_deploy has no effect: latency_add is 0, latency_factor 1 and "
                     "error_rate 0");
          }
        } else {
          c_.error(m.node().mark, m.path(),
                   "the bad_deploy has no effect: give at least one of latency_add, "
                   "latency_factor (> 1) or error_rate (> 0)");
        }
        break;
      }
      case FaultKind::kDependencyOutage:
        if (service_ok && topology_ != nullptr && topology_->dependents(f.target).empty() &&
            !agent_calls(f.target)) {
          c_.error(m.get("target")->mark, m.path("target"),
                   "the dependency_outage cannot take effect: nothing depends on " +
                       quote(f.target_name) +
                       " (no service lists it in depends_on, no agent "
                       "calls it)");
        }
        break;
      case FaultKind::kMemoryLeak:
        required_number("leak_mb_per_min", kPositive, f.leak_mb_per_min,
                        "memory leaked per replica per minute");
        break;
      case FaultKind::kCpuHog:
        required_number("cpu_fraction", kPositiveFraction, f.cpu_fraction,
                        "the share of each replica's CPU taken");
        break;
      case FaultKind::kTrafficDrop:
        required_number("fraction", kPositiveFraction, f.fraction, "the share of traffic lost");
        break;
      case FaultKind::kTrafficSurge:
        required_number("factor", Range{1, true, 1000, false}, f.factor,
                        "what the entry load is multiplied by");
        break;
      case FaultKind::kPartition:
        read_partition(m, f);
        break;
      case FaultKind::kAgentCompromise:
        read_agent_compromise(m, f);
        break;
      case FaultKind::kKeyCompromise:
        required_number("exfil_rps", kPositive, f.exfil_rps, "records read out per second");
        break;
      case FaultKind::kConfigError:
        read_config_error(m, f, service_ok);
        break;
      case FaultKind::kHang:
      case FaultKind::kReadinessFailure:
      case FaultKind::kDataCorruption:
      case FaultKind::kFullOutage:
        break;
    }
  }

  // A compromised agent reads records out (exfil_rps), changes its calls
  // (calls: what it calls while compromised, in place of its own), or both.
  void read_agent_compromise(MapReader& m, Fault& f) {
    read_double(m, "exfil_rps", kPositive, f.exfil_rps);
    const DocNode* calls = m.get("calls");
    if (calls != nullptr) read_calls(*calls, m.path("calls"), f.calls);
    if (m.get("exfil_rps") == nullptr && calls == nullptr) {
      c_.error(m.node().mark, m.path(),
               "the agent_compromise has no effect: give exfil_rps (records read out per "
               "second), calls (what the agent calls while compromised), or both");
      return;
    }
    if (calls == nullptr || m.get("exfil_rps") != nullptr || f.target >= s_.agents.size()) return;
    // Calls alone that are the agent's own calls change nothing.
    std::vector<std::pair<size_t, double>> mine, theirs;
    for (const AgentCall& c : s_.agents[f.target].calls) mine.emplace_back(c.service, c.rate_rps);
    for (const AgentCall& c : f.calls) theirs.emplace_back(c.service, c.rate_rps);
    std::sort(mine.begin(), mine.end());
    std::sort(theirs.begin(), theirs.end());
    if (mine == theirs) {
      c_.error(calls->mark, m.path("calls"),
               "the agent_compromise has no effect: these are the calls " +
                   quote(f.target_name) + " already makes");
    }
  }

  bool agent_calls(size_t service) const {
    for (const Agent& a : s_.agents) {
      for (const AgentCall& call : a.calls) {
        if (call.service == service) return true;
      }
    }
    return false;
  }

  void read_partition(MapReader& m, Fault& f) {
    const DocNode* n = m.require("groups", "two or more lists of service ids");
    if (n == nullptr) return;
    const auto* groups = read_list(c_, *n, m.path("groups"));
    if (groups == nullptr) return;
    if (groups->size() < 2) {
      c_.error(n->mark, m.path("groups"),
               "expected at least two groups of services, got " + std::to_string(groups->size()));
      return;
    }
    std::map<size_t, size_t> group_of;
    bool ok = true;
    for (size_t g = 0; g < groups->size(); ++g) {
      const std::string gpath = index_path(m.path("groups"), g);
      const auto* members = read_list(c_, (*groups)[g], gpath);
      if (members == nullptr) {
        ok = false;
        continue;
      }
      if (members->empty()) {
        c_.error((*groups)[g].mark, gpath, "expected at least one service in the group");
        ok = false;
        continue;
      }
      std::vector<size_t> ids;
      for (size_t k = 0; k < members->size(); ++k) {
        const std::string spath = index_path(gpath, k);
        auto v = resolve_service((*members)[k], spath);
        if (!v) {
          ok = false;
          continue;
        }
        if (auto [it, inserted] = group_of.emplace(*v, g); !inserted) {
          c_.error((*members)[k].mark, spath,
                   quote((*members)[k].text) + " is already in group " +
                       std::to_string(it->second) + "; the groups must not overlap");
          ok = false;
          continue;
        }
        ids.push_back(*v);
      }
      f.groups.push_back(std::move(ids));
    }
    if (!ok) return;
    // A partition that cuts no dependency changes nothing.
    bool cuts = false;
    for (const auto& [svc, g] : group_of) {
      for (const DependencyEdge& e : s_.services[svc].depends_on) {
        auto it = group_of.find(e.service);
        if (it != group_of.end() && it->second != g) cuts = true;
      }
    }
    if (!cuts) {
      c_.error(n->mark, m.path("groups"),
               "the partition cannot take effect: no service in one group depends on a service "
               "in another");
    }
  }

  void read_config_error(MapReader& m, Fault& f, bool service_ok) {
    const DocNode* n = m.require("check", "which pre-startup check fails: database, queue or env");
    if (n == nullptr) return;
    auto v = read_enum(c_, *n, m.path("check"), kConfigChecks, "check");
    if (!v) return;
    f.check = static_cast<ConfigCheck>(*v);
    const DocNode* setting = m.get("setting");
    if (f.check != ConfigCheck::kEnv) {
      if (setting != nullptr) {
        c_.error(setting->mark, m.path("setting"), "'setting' applies only to check: env");
      }
      if (!service_ok) return;
      const ServiceKind wanted =
          f.check == ConfigCheck::kDatabase ? ServiceKind::kDatabase : ServiceKind::kQueue;
      bool has = false;
      for (const DependencyEdge& e : s_.services[f.target].depends_on) {
        has |= s_.services[e.service].kind == wanted;
      }
      if (!has) {
        c_.error(n->mark, m.path("check"),
                 "the config_error cannot take effect: " + quote(f.target_name) +
                     " depends on no " + to_string(wanted) + ", so its " + to_string(wanted) +
                     " check cannot fail");
      }
      return;
    }
    if (setting == nullptr) {
      m.require("setting", "the environment setting that goes missing");
      return;
    }
    auto name = read_string(c_, *setting, m.path("setting"));
    if (!name) return;
    f.setting = *name;
    if (!service_ok) return;
    const std::vector<std::string>& needed = s_.services[f.target].requires_env;
    if (std::find(needed.begin(), needed.end(), *name) == needed.end()) {
      c_.error(setting->mark, m.path("setting"),
               "the config_error cannot take effect: " + quote(f.target_name) +
                   " does not require " + quote(*name) +
                   " (its requires_env: " + list_names(needed) + ")" + did_you_mean(*name, needed));
    }
  }

  // A fault on a service that is entirely down for the fault's whole window
  // (an earlier crash of every replica, a full outage) cannot take effect.
  void check_shadowed_faults() {
    const Time run_end = Time::zero() + s_.duration;
    const auto end_of = [&](const Fault& f) { return f.end ? *f.end : run_end; };
    const auto takes_all = [&](const Fault& f) {
      if (f.kind == FaultKind::kFullOutage) return true;
      return f.kind == FaultKind::kCrash &&
             (f.replicas == 0 || f.replicas >= s_.services[f.target].replicas);
    };
    for (size_t b = 0; b < s_.faults.size(); ++b) {
      const Fault& fb = s_.faults[b];
      const bool on_service =
          acts_on_running_service(fb.kind) && fb.target_kind == FaultTargetKind::kService;
      if (!on_service && fb.kind != FaultKind::kFullOutage) continue;
      for (size_t a = 0; a < s_.faults.size(); ++a) {
        if (a == b) continue;
        const Fault& fa = s_.faults[a];
        if (!takes_all(fa)) continue;
        if (fa.kind == FaultKind::kCrash && (!on_service || fa.target != fb.target)) {
          continue;
        }
        const bool contained = fa.start <= fb.start && end_of(fb) <= end_of(fa);
        const bool first =
            fa.start < fb.start || (fa.start == fb.start && (end_of(fa) > end_of(fb) || a < b));
        if (!contained || !first) continue;
        const std::string what = fb.kind == FaultKind::kFullOutage ? std::string("every service")
                                                                   : quote(fb.target_name);
        const std::string until = fa.end ? sim::format_duration(fa.end->since_start())
                                         : std::string("the end of the run");
        c_.error(fault_marks_[b], index_path("faults", fb.declared),
                 std::string("the ") + to_string(fb.kind) + " cannot take effect: " + what +
                     " is already down from " + sim::format_duration(fa.start.since_start()) +
                     " to " + until + " (faults[" + std::to_string(fa.declared) + "], " +
                     to_string(fa.kind) + ")");
        break;
      }
    }
  }

  // --- deployments -----------------------------------------------------------

  void read_deployments(MapReader& top) {
    const DocNode* n = top.get("deployments");
    if (n == nullptr) return;
    const auto* items = read_list(c_, *n, "deployments");
    if (items == nullptr) return;
    std::map<size_t, std::string> by_service;  // service -> path of its deployment
    for (size_t i = 0; i < items->size(); ++i) {
      const std::string path = index_path("deployments", i);
      MapReader m(c_, (*items)[i], path, kDeploymentKeys, [](std::string_view key) {
        return key == "weight" || key == "steps"
                   ? std::string("a deployment has no '") + std::string(key) +
                         "': the procedures' deployment.canary_steps set the canary's weights"
                   : std::string();
      });
      if (!m.valid()) continue;
      const size_t before = c_.count();
      Deployment d;
      d.declared = i;
      bool service_ok = false;
      if (const DocNode* svc = m.require("service", "the service that gets the new version")) {
        if (auto v = resolve_service(*svc, m.path("service"))) {
          d.service = *v;
          service_ok = true;
        }
      }
      if (const DocNode* v = m.require("version", "the new version's name")) {
        if (auto name = read_string(c_, *v, m.path("version"))) {
          if (name->empty() || name->find('\n') != std::string::npos) {
            c_.error(v->mark, m.path("version"), "expected a one-line, non-empty version name");
          } else {
            d.version = *name;
          }
        }
      }
      if (const DocNode* at = m.require("at", "when the deployment starts, e.g. \"10m\"")) {
        if (auto v = read_duration(c_, *at, m.path("at"), {})) {
          d.at = Time::zero() + *v;
          if (duration_ok_ && *v >= s_.duration) {
            c_.error(at->mark, m.path("at"),
                     "the deployment starts at " + sim::format_duration(*v) +
                         ", not before the end of the run (" + sim::format_duration(s_.duration) +
                         ")");
          }
        }
      }
      if (const DocNode* st = m.get("strategy")) {
        if (auto v = read_enum(c_, *st, m.path("strategy"), kDeploymentStrategies, "strategy")) {
          d.strategy = static_cast<DeploymentStrategy>(*v);
        }
      }
      read_double(m, "latency_factor", Range{0, true, 1000, false}, d.latency_factor);
      read_dur(m, "latency_add", {}, d.latency_add);
      read_double(m, "error_rate", kFraction, d.error_rate);
      read_bool_field(m, "tests_passed", d.tests_passed);
      read_bool_field(m, "reviewed", d.reviewed);
      read_bool_field(m, "dependencies_reachable", d.dependencies_reachable);
      if (service_ok) {
        // The world keeps two versions of a service at most (the running one
        // and one new one), so a service gets one deployment, and none that
        // a bad_deploy fault also rolls out.
        const DocNode* svc = m.get("service");
        if (auto it = by_service.find(d.service); it != by_service.end()) {
          c_.error(svc->mark, m.path("service"),
                   quote(s_.services[d.service].id) + " already has a deployment (" + it->second +
                       "); a scenario deploys one new version per service");
        } else {
          by_service[d.service] = path;
        }
        for (const Fault& f : s_.faults) {
          if (f.kind == FaultKind::kBadDeploy && f.target == d.service) {
            c_.error(svc->mark, m.path("service"),
                     quote(s_.services[d.service].id) + " also has a bad_deploy fault (" +
                         index_path("faults", f.declared) +
                         "); a service gets either a controlled deployment or an uncontrolled "
                         "bad_deploy, not both");
            break;
          }
        }
      }
      if (c_.count() == before) s_.deployments.push_back(std::move(d));
    }
  }

  // --- procedures, expectations ----------------------------------------------

  void read_procedures(MapReader& top) {
    const DocNode* n = top.get("procedures");
    if (n == nullptr) return;
    auto v = read_string(c_, *n, "procedures");
    if (!v) return;
    const fs::path resolved = (folder_ / fs::path(*v)).lexically_normal();
    std::error_code ec;
    const fs::file_status st = fs::status(resolved, ec);
    if (ec || !fs::exists(st)) {
      const std::string where =
          resolved.string() == *v ? std::string() : " (looked for " + resolved.string() + ")";
      c_.error(n->mark, "procedures",
               "the procedures file " + quote(*v) + " does not exist" + where +
                   "; paths are relative to the scenario file");
      return;
    }
    if (!fs::is_regular_file(st)) {
      c_.error(n->mark, "procedures",
               "the procedures path " + quote(*v) + " (" + resolved.string() + ") is not a file");
      return;
    }
    s_.procedures = resolved.string();
    // The file's own problems are the scenario's: a line here says which
    // file they are in, and they follow, each with its own file and line.
    ProceduresLoad loaded = load_procedures(s_.procedures);
    if (!loaded.ok()) {
      c_.error(n->mark, "procedures",
               "the procedures file " + quote(*v) + " has " + std::to_string(loaded.problems) +
                   (loaded.problems == 1 ? " problem" : " problems") +
                   ", listed under its own name");
      c_.add(std::move(loaded.diagnostics));
      return;
    }
    s_.procedures_loaded = std::move(loaded.procedures);
  }

  void read_startup(MapReader& top) {
    const DocNode* n = top.get("startup");
    if (n == nullptr) return;
    if (auto v = read_enum(c_, *n, "startup", kStartupModes, "startup mode")) {
      s_.startup = static_cast<StartupMode>(*v);
    }
  }

  void read_expectations(MapReader& top) {
    const DocNode* n = top.get("expectations");
    if (n == nullptr) return;
    if (n->type != Type::kList) {
      c_.error(n->mark, "expectations", "expected a list of expectations, got " + describe(*n));
      return;
    }
    read_expectation_list(c_, *n, s_);
  }

  // --- shared field readers ------------------------------------------------

  // Optional fields: leave `out` at its default when absent; false when
  // present and invalid.
  bool read_double(MapReader& m, std::string_view key, const Range& range, double& out) {
    return read_number_field(m, key, range, out);
  }
  bool read_dur(MapReader& m, std::string_view key, DurationRule rule, Duration& out) {
    return read_duration_field(m, key, rule, out);
  }

  struct EdgeMark {
    Mark mark;
    std::string path;
  };

  Checker& c_;
  std::string path_;
  fs::path folder_;
  Scenario s_;
  bool duration_ok_ = false;
  bool environment_ok_ = true;
  bool services_listed_ = false;
  std::map<std::string, size_t> service_ids_;
  std::vector<std::string> service_names_;  // declaration order
  std::vector<std::vector<EdgeMark>> edge_marks_;
  std::unique_ptr<Topology> topology_;
  std::map<std::string, size_t> store_ids_;
  std::vector<std::string> store_names_;
  std::map<std::string, size_t> agent_ids_;
  std::vector<std::string> agent_names_;
  std::map<std::string, size_t> key_agents_;  // key -> first agent holding it
  std::vector<std::string> key_names_;
  std::map<size_t, size_t> load_by_service_;
  std::vector<Mark> fault_marks_;  // parallel to s_.faults until they are sorted
};

LoadResult finish(Checker& c, std::optional<Scenario> scenario) {
  LoadResult result;
  result.diagnostics = sort_diagnostics(c.take(), c.file(), &result.problems);
  if (result.diagnostics.empty()) result.scenario = std::move(scenario);
  return result;
}

}  // namespace

LoadResult load_scenario_text(std::string_view text, SourceFormat format,
                              const std::string& virtual_path) {
  Checker c(virtual_path);
  DocParse doc = parse_document(text, format, virtual_path);
  if (!doc.root) {
    c.add(std::move(doc.problems));
    return finish(c, std::nullopt);
  }
  Loader loader(c, virtual_path);
  std::optional<Scenario> scenario = loader.load(*doc.root);
  return finish(c, std::move(scenario));
}

LoadResult load_scenario(const std::string& path) {
  Checker c(path);
  std::optional<InputText> input = read_input(path, "scenario file", "scenario", c);
  if (!input) return finish(c, std::nullopt);
  return load_scenario_text(input->text, input->format, path);
}

namespace {

// The kind a parsed document's top-level keys say it is, or a diagnostic
// saying why it is neither.
InputKind classify(const DocNode& root, const std::string& path, std::vector<Diagnostic>& out) {
  const std::vector<std::string>& sections = procedures_sections();
  Keys others_of_scenario;
  for (std::string_view k : kTopKeys) {
    if (k != "services") others_of_scenario.push_back(k);
  }
  const std::string kinds = "a scenario has 'services' (and " + list_keys(others_of_scenario) +
                            "); a procedures file has only the sections " + list_names(sections);
  if (root.type != Type::kMap) {
    out.push_back(
        Diagnostic{path, root.mark.line, root.mark.column, "",
                   "expected a mapping at the top level, got " + describe(root) + ": " + kinds});
    return InputKind::kUnknown;
  }
  bool scenario_key = false;
  bool section_key = false;
  bool other_key = false;
  std::vector<std::string> others;
  for (const DocMember& m : root.members) {
    if (m.key.rfind("x-", 0) == 0) continue;
    if (m.key == "services") return InputKind::kScenario;
    const bool in_scenario = std::find(kTopKeys.begin(), kTopKeys.end(), m.key) != kTopKeys.end();
    const bool in_procedures = std::find(sections.begin(), sections.end(), m.key) != sections.end();
    if (in_scenario && in_procedures) continue;  // `startup` is both: it tells nothing
    if (in_scenario) {
      scenario_key = true;
    } else if (in_procedures) {
      section_key = true;
    } else {
      other_key = true;
      if (others.size() < 12) others.push_back(quote(m.key));
    }
  }
  if (!scenario_key && (section_key || !other_key)) return InputKind::kProcedures;
  if (scenario_key) return InputKind::kScenario;
  std::vector<std::string> known = to_strings(kTopKeys);
  known.insert(known.end(), sections.begin(), sections.end());
  std::string hint;
  for (const DocMember& m : root.members) {
    if (auto s = suggest(m.key, known)) {
      hint = "; did you mean " + quote(*s) + " for " + quote(m.key) + "?";
      break;
    }
  }
  out.push_back(Diagnostic{path, root.mark.line, root.mark.column, "",
                           "neither a scenario nor a procedures file: none of its top-level "
                           "keys (" +
                               list_names(others) + ") is known to either" + hint + " (" + kinds +
                               ")"});
  return InputKind::kUnknown;
}

}  // namespace

InputLoad load_input(const std::string& path) {
  InputLoad result;
  const std::optional<SourceFormat> format = format_for_path(path);
  std::string why;
  std::optional<std::string> text;
  if (format) text = read_file(path, why);
  std::vector<Diagnostic> problems;
  std::optional<DocParse> doc;
  if (text) doc = parse_document(*text, *format, path);
  if (!text || !doc->root) {
    // Unreadable or unparsable: the scenario loader's messages, except that
    // an empty file may have been meant as either kind.
    LoadResult r = load_scenario(path);
    for (Diagnostic& d : r.diagnostics) {
      if (d.message == "the file is empty; expected a scenario mapping") {
        d.message = "the file is empty; expected a scenario or a procedures mapping";
      }
    }
    result.diagnostics = std::move(r.diagnostics);
    result.problems = r.problems;
    return result;
  }
  result.kind = classify(*doc->root, path, problems);
  switch (result.kind) {
    case InputKind::kScenario: {
      LoadResult r = load_scenario_text(*text, *format, path);
      result.scenario = std::move(r.scenario);
      result.diagnostics = std::move(r.diagnostics);
      result.problems = r.problems;
      break;
    }
    case InputKind::kProcedures: {
      ProceduresLoad r = load_procedures_text(*text, *format, path);
      result.procedures = std::move(r.procedures);
      result.diagnostics = std::move(r.diagnostics);
      result.problems = r.problems;
      break;
    }
    case InputKind::kUnknown:
      result.problems = problems.size();
      result.diagnostics = std::move(problems);
      break;
  }
  return result;
}

}  // namespace dreamsim::model
