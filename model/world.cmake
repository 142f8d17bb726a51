# The world model: load profiles, golden signals, the World that advances a
# scenario tick by tick, and the outcome writer.
add_library(dreamsim_model_world STATIC
  ${CMAKE_CURRENT_LIST_DIR}/load_profile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/golden_signals.cpp
  ${CMAKE_CURRENT_LIST_DIR}/world.cpp
  ${CMAKE_CURRENT_LIST_DIR}/outcome.cpp
)
target_include_directories(dreamsim_model_world PUBLIC ${DREAMSIM_ROOT})
# The scenario and math libraries are defined by their own .cmake files,
# which model/CMakeLists.txt may include after this one; the generator
# expressions resolve once every target is known.
target_link_libraries(dreamsim_model_world PUBLIC
  dreamsim_sim
  $<TARGET_NAME_IF_EXISTS:dreamsim_model_scenario>
  $<TARGET_NAME_IF_EXISTS:dreamsim_model_math>
  nlohmann_json::nlohmann_json
)
target_link_libraries(dreamsim_model INTERFACE dreamsim_model_world)
