# Micro-benchmarks of the model's pure math: LogHistogram and the queueing
# formulas. Included from bench/CMakeLists.txt.
find_package(benchmark REQUIRED)

add_executable(bench_model_math ${CMAKE_CURRENT_LIST_DIR}/model_math_bench.cpp)
target_link_libraries(bench_model_math PRIVATE dreamsim_model_math benchmark::benchmark)
