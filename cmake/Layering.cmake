# The libraries of funnelsim and which of them each may use: its #includes and its links.
# Dependencies point one way, down this table (docs/architecture.md draws the graph):
#   FUNNELSIM_USES_<library>: the libraries it may include and link, nothing else.
# funnelsim_check_layering() fails the configure step when a library links one it may not
# use; the test `layering` (scripts/check-layering) fails when a source file includes one.
set(FUNNELSIM_LIBRARIES sim stats forecast scenarios results experiment report exercise crm)
set(FUNNELSIM_USES_sim "")
set(FUNNELSIM_USES_stats "")
set(FUNNELSIM_USES_forecast sim stats)
set(FUNNELSIM_USES_scenarios sim forecast)
set(FUNNELSIM_USES_results sim stats)
set(FUNNELSIM_USES_experiment sim stats forecast scenarios results)
set(FUNNELSIM_USES_report sim stats forecast scenarios results)
set(FUNNELSIM_USES_exercise sim stats forecast scenarios)
set(FUNNELSIM_USES_crm sim stats forecast scenarios exercise)

# The folder of each library's sources and headers, for scripts/check-layering.
set(FUNNELSIM_FOLDER_sim sim)
set(FUNNELSIM_FOLDER_scenarios scenarios/loader)
foreach(library stats forecast results experiment report exercise crm)
  set(FUNNELSIM_FOLDER_${library} analysis/${library})
endforeach()

# A library of analysis/: analysis/NAME/src/*.cpp, public headers in
# analysis/NAME/include/funnelsim/NAME/, linked PUBLIC to every library it may use.
function(funnelsim_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PRIVATE" ${ARGN})
  add_library(funnelsim_${name} ${ARG_SOURCES})
  add_library(funnelsim::${name} ALIAS funnelsim_${name})
  target_include_directories(funnelsim_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/${name}/include>)
  target_compile_features(funnelsim_${name} PUBLIC cxx_std_20)
  set(uses "")
  foreach(library IN LISTS FUNNELSIM_USES_${name})
    list(APPEND uses funnelsim::${library})
  endforeach()
  target_link_libraries(funnelsim_${name} PUBLIC ${uses} PRIVATE funnelsim_warnings ${ARG_PRIVATE})
endfunction()

# Every funnelsim:: library a library links must be one it may use.
function(funnelsim_check_layering)
  foreach(library IN LISTS FUNNELSIM_LIBRARIES)
    get_target_property(links funnelsim_${library} LINK_LIBRARIES)
    get_target_property(interface funnelsim_${library} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links interface)
      if(link MATCHES "^funnelsim(::|_)([a-z]+)$")
        set(used ${CMAKE_MATCH_2})
        if(used STREQUAL "warnings" OR used STREQUAL "hdf5")
          continue()
        endif()
        if(NOT used IN_LIST FUNNELSIM_USES_${library})
          message(FATAL_ERROR "funnelsim::${library} links funnelsim::${used}, which it may not "
                              "use (cmake/Layering.cmake: FUNNELSIM_USES_${library})")
        endif()
      endif()
    endforeach()
  endforeach()
endfunction()
