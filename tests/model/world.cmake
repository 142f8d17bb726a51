# The world model: queueing, dependencies, metastable failure, faults, data
# stores, golden signals and determinism.
add_executable(model_world_test
  ${CMAKE_CURRENT_LIST_DIR}/world_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_profile_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/golden_signals_test.cpp
)
target_link_libraries(model_world_test PRIVATE dreamsim_model_world GTest::gtest_main)
gtest_discover_tests(model_world_test)
