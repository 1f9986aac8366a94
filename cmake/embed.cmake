# Turns INPUT into a C++ source defining `extern const char SYMBOL[]` (NUL-terminated).
file(READ ${INPUT} content HEX)
string(LENGTH "${content}" hex_len)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <cstddef>\nnamespace smokehook {\nextern const char ${SYMBOL}[] = {${bytes} '\\0'};\nextern const std::size_t ${SYMBOL}Size = sizeof(${SYMBOL}) - 1;\n}\n")
