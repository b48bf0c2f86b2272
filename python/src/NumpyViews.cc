#include "NumpyViews.h"

#include "podml/Exceptions.h"

#include <string>

namespace podml::python {

py::dtype numpyDtype(DType dtype) {
  switch (dtype) {
  case DType::Bool:
    return py::dtype::of<bool>();
  case DType::Int8:
    return py::dtype::of<int8_t>();
  case DType::Int16:
    return py::dtype::of<int16_t>();
  case DType::Int32:
    return py::dtype::of<int32_t>();
  case DType::Int64:
    return py::dtype::of<int64_t>();
  case DType::UInt8:
    return py::dtype::of<uint8_t>();
  case DType::UInt16:
    return py::dtype::of<uint16_t>();
  case DType::UInt32:
    return py::dtype::of<uint32_t>();
  case DType::UInt64:
    return py::dtype::of<uint64_t>();
  case DType::Float32:
    return py::dtype::of<float>();
  case DType::Float64:
    return py::dtype::of<double>();
  case DType::ObjectID:
    // The two fields of podml::ObjectID, in its memory order.
    // (A list: NumPy reads a tuple of tuples as a sub-array spec.)
    return py::dtype::from_args(
        py::list(py::make_tuple(py::make_tuple("index", "<i4"), py::make_tuple("collectionID", "<u4"))));
  }
  throw UsageError("cannot map dtype " + std::to_string(static_cast<int>(dtype)) + " to NumPy: unknown dtype");
}

std::optional<DType> dtypeFromNumpy(const py::dtype& dtype) {
  // Byte order: '=' and '|' are native; '<' is native on the little-endian
  // machines podml runs on, anything else would need swapping.
  const char order = dtype.attr("byteorder").cast<std::string>().front();
  if (order == '>') {
    return std::nullopt;
  }
  const char kind = dtype.kind();
  const auto size = dtype.itemsize();
  switch (kind) {
  case 'b':
    return DType::Bool;
  case 'f':
    return size == 4 ? std::optional(DType::Float32) : size == 8 ? std::optional(DType::Float64) : std::nullopt;
  case 'i':
    return size == 1   ? std::optional(DType::Int8)
           : size == 2 ? std::optional(DType::Int16)
           : size == 4 ? std::optional(DType::Int32)
           : size == 8 ? std::optional(DType::Int64)
                       : std::nullopt;
  case 'u':
    return size == 1   ? std::optional(DType::UInt8)
           : size == 2 ? std::optional(DType::UInt16)
           : size == 4 ? std::optional(DType::UInt32)
           : size == 8 ? std::optional(DType::UInt64)
                       : std::nullopt;
  default:
    return std::nullopt;
  }
}

py::array bufferView(DType dtype, const std::vector<py::ssize_t>& shape, const void* data,
                     std::shared_ptr<const void> owner, bool writeable) {
  // The capsule is the array's base: NumPy releases it, and so the owner, when the
  // last array (or view of one) over the memory goes away.
  auto* holder = new std::shared_ptr<const void>(std::move(owner));
  py::capsule base(holder, [](void* p) { delete static_cast<std::shared_ptr<const void>*>(p); });
  py::array array(numpyDtype(dtype), shape, data, base);
  if (!writeable) {
    array.attr("setflags")(py::arg("write") = false);
  }
  return array;
}

py::array columnView(const Column& column, const std::vector<uint32_t>& shape, std::shared_ptr<const void> owner) {
  std::vector<py::ssize_t> dims{static_cast<py::ssize_t>(column.size())};
  if (!shape.empty()) {
    dims.insert(dims.end(), shape.begin(), shape.end());
  } else if (column.width() > 1) {
    dims.push_back(column.width());
  }
  return bufferView(column.dtype(), dims, column.rawData(), std::move(owner));
}

} // namespace podml::python
