// Names of the scenario enums, as they are spelled in scenario files.
#include "model/scenario.hpp"

namespace dreamsim::model {

const char* to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kHang:
      return "hang";
    case FaultKind::kReadinessFailure:
      return "readiness_failure";
    case FaultKind::kLatency:
      return "latency";
    case FaultKind::kErrors:
      return "errors";
    case FaultKind::kBadDeploy:
      return "bad_deploy";
    case FaultKind::kDependencyOutage:
      return "dependency_outage";
    case FaultKind::kMemoryLeak:
      return "memory_leak";
    case FaultKind::kCpuHog:
      return "cpu_hog";
    case FaultKind::kTrafficDrop:
      return "traffic_drop";
    case FaultKind::kTrafficSurge:
      return "traffic_surge";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kDataCorruption:
      return "data_corruption";
    case FaultKind::kAgentCompromise:
      return "agent_compromise";
    case FaultKind::kKeyCompromise:
      return "key_compromise";
    case FaultKind::kFullOutage:
      return "full_outage";
    case FaultKind::kConfigError:
      return "config_error";
  }
  return "unknown";
}

const char* to_string(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::kService:
      return "service";
    case ServiceKind::kDatabase:
      return "database";
    case ServiceKind::kQueue:
      return "queue";
  }
  return "unknown";
}

const char* to_string(LoadProfileKind kind) {
  switch (kind) {
    case LoadProfileKind::kConstant:
      return "constant";
    case LoadProfileKind::kDiurnal:
      return "diurnal";
    case LoadProfileKind::kStep:
      return "step";
    case LoadProfileKind::kRamp:
      return "ramp";
    case LoadProfileKind::kSpike:
      return "spike";
    case LoadProfileKind::kSeries:
      return "series";
  }
  return "unknown";
}

const char* to_string(FaultTargetKind kind) {
  switch (kind) {
    case FaultTargetKind::kNone:
      return "none";
    case FaultTargetKind::kService:
      return "service";
    case FaultTargetKind::kDataStore:
      return "data_store";
    case FaultTargetKind::kAgent:
      return "agent";
    case FaultTargetKind::kKey:
      return "key";
    case FaultTargetKind::kAllServices:
      return "all_services";
  }
  return "unknown";
}

const char* to_string(ConfigCheck check) {
  switch (check) {
    case ConfigCheck::kDatabase:
      return "database";
    case ConfigCheck::kQueue:
      return "queue";
    case ConfigCheck::kEnv:
      return "env";
  }
  return "unknown";
}

const char* to_string(DeploymentStrategy strategy) {
  return strategy == DeploymentStrategy::kCanary ? "canary" : "standard";
}

}  // namespace dreamsim::model
