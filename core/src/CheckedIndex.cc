#include "podml/detail/CheckedIndex.h"

#include <stdexcept>
#include <string>

namespace podml::detail {

void throwIndexOutOfRange(const char* what, std::size_t index, std::size_t size) {
  throw std::out_of_range(std::string(what) + ": index " + std::to_string(index) + " out of range (size " +
                          std::to_string(size) + ")");
}

} // namespace podml::detail
