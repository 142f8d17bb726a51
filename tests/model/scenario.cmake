# Scenario and procedures files, their validation, the dependency graph and
# `dreamsim validate`. The tests read the example and bad-input corpora from
# the source tree, and run the built dreamsim binary for the command-line
# checks.
add_executable(model_scenario_test
  ${CMAKE_CURRENT_LIST_DIR}/scenario_loader_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario_bad_corpus_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scenario_cli_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/procedures_loader_test.cpp
)
target_link_libraries(model_scenario_test PRIVATE dreamsim_model_scenario GTest::gtest_main)
target_compile_definitions(model_scenario_test PRIVATE
  DREAMSIM_SOURCE_DIR="${DREAMSIM_ROOT}"
  DREAMSIM_BINARY="$<TARGET_FILE:dreamsim>")
add_dependencies(model_scenario_test dreamsim)
gtest_discover_tests(model_scenario_test)
