# Builds TARGET in BUILD_DIR and passes only when the compiler refused it
# for the reason the check is about: a header not found on the include
# path of that layer (any other failure, such as a typo, is a failure).
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but its layer must not see that header")
endif()
if(NOT "${out}${err}" MATCHES "(api\\.h|libpq-fe\\.h): No such file or directory")
  message(FATAL_ERROR "${TARGET} failed for another reason:\n${out}${err}")
endif()
message(STATUS "${TARGET} refused as it should be")
