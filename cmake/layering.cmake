# Layering rules (docs/architecture.md, "Layering"), checked when CMake configures: a library
# must not reach, directly or through what it links, the targets its layer may not depend on.
# The link closure is read from LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES, so PRIVATE links
# of static libraries count too (they end up in every program that links the library).

# Appends to `out_var` every target (or plain library name) `target` links, transitively.
function(soc_link_closure target out_var)
  set(seen "")
  set(todo "${target}")
  while(todo)
    list(POP_FRONT todo t)
    if(NOT TARGET "${t}")
      continue()
    endif()
    get_target_property(alias "${t}" ALIASED_TARGET)
    if(alias)
      set(t "${alias}")
    endif()
    set(links "")
    foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(l "${t}" ${prop})
      if(l)
        list(APPEND links ${l})
      endif()
    endforeach()
    foreach(l IN LISTS links)
      # $<LINK_ONLY:x> is how a static library records its PRIVATE links.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" l "${l}")
      if(l MATCHES "^\\$<" OR l IN_LIST seen)
        continue()
      endif()
      list(APPEND seen "${l}")
      list(APPEND todo "${l}")
    endforeach()
  endwhile()
  set(${out_var} "${seen}" PARENT_SCOPE)
endfunction()

# Fails configuration when `target` links any of the FORBIDDEN targets, or any target whose name
# matches the regex FORBIDDEN_PATTERN, naming the rule broken.
function(soc_forbid_links target)
  cmake_parse_arguments(arg "" "BECAUSE;FORBIDDEN_PATTERN" "FORBIDDEN" ${ARGN})
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "layering: no target ${target}")
  endif()
  soc_link_closure(${target} closure)
  foreach(f IN LISTS arg_FORBIDDEN)
    if(f IN_LIST closure)
      message(FATAL_ERROR "layering: ${target} links ${f} (directly or through its dependencies); "
                          "${arg_BECAUSE}. See docs/architecture.md, \"Layering\".")
    endif()
  endforeach()
  if(arg_FORBIDDEN_PATTERN)
    foreach(l IN LISTS closure)
      if(l MATCHES "${arg_FORBIDDEN_PATTERN}")
        message(FATAL_ERROR "layering: ${target} links ${l} (directly or through its "
                            "dependencies); ${arg_BECAUSE}. See docs/architecture.md, \"Layering\".")
      endif()
    endforeach()
  endif()
endfunction()
