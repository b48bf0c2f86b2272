#pragma once
/// \file NumpyViews.h
/// NumPy arrays over memory podml owns (columns, offsets, tensors), without
/// copying: the array's `base` is a capsule holding a shared_ptr to the owner,
/// so the memory lives as long as any array (or slice of one) refers to it.

#include "podml/Column.h"
#include "podml/DType.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace podml::python {

namespace py = pybind11;

/// The NumPy dtype of a podml dtype: `bool` for Bool, a structured
/// `[('index', '<i4'), ('collectionID', '<u4')]` for ObjectID.
py::dtype numpyDtype(DType dtype);

/// The podml dtype of a NumPy dtype, if it has one (native byte order only).
std::optional<DType> dtypeFromNumpy(const py::dtype& dtype);

/// A read-only array of shape (rows, shape...) over `column`'s memory, kept
/// valid by `owner`. `shape` is the per-row shape of the column's definition;
/// when it is empty and the column is wider than one, the row is (width,).
py::array columnView(const Column& column, const std::vector<uint32_t>& shape, std::shared_ptr<const void> owner);

/// An array of `dtype` and `shape` over `data`, kept valid by `owner`.
/// Read-only unless `writeable`.
py::array bufferView(DType dtype, const std::vector<py::ssize_t>& shape, const void* data,
                     std::shared_ptr<const void> owner, bool writeable = false);

} // namespace podml::python
