# The pure math of the world model: the latency histogram and the queueing
# formulas; and the gate's statistics (the Wilcoxon signed-rank test). A
# library of its own so that tests and benchmarks link only this.
add_library(dreamsim_model_math STATIC
  ${CMAKE_CURRENT_LIST_DIR}/log_histogram.cpp
  ${CMAKE_CURRENT_LIST_DIR}/queueing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wilcoxon.cpp
)
target_include_directories(dreamsim_model_math PUBLIC ${DREAMSIM_ROOT})
target_link_libraries(dreamsim_model INTERFACE dreamsim_model_math)
