# Scenario and procedures files: the document layer (the only code that touches
# raw YAML and JSON), the shared schema machinery, the two loaders, and the
# dependency graph.
add_library(dreamsim_model_scenario STATIC
  ${CMAKE_CURRENT_LIST_DIR}/scenario.cpp
  ${CMAKE_CURRENT_LIST_DIR}/expectation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/expectations_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario_document.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/schema_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/procedures_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology.cpp
)
target_include_directories(dreamsim_model_scenario PUBLIC ${DREAMSIM_ROOT})
target_link_libraries(dreamsim_model_scenario
  PUBLIC dreamsim_sim dreamsim_controllers nlohmann_json::nlohmann_json Boost::boost
  PRIVATE yaml-cpp)
target_link_libraries(dreamsim_model INTERFACE dreamsim_model_scenario)
