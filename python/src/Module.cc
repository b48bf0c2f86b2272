// The `_podml` extension: podml's exceptions as Python classes, then the bindings
// by topic (IoBindings.cc, FrameBindings.cc, OnnxBindings.cc).
#include "Bindings.h"

#include "podml/Exceptions.h"

namespace podml::python {
namespace {

// Each C++ phase becomes a Python class derived from podml.Error, with the C++
// message as its text. pybind11 tries translators newest first, so the base is
// registered first and every subclass is matched before it. `extraBase` adds the
// built-in class Python code would naturally catch (ValueError for misuse, OSError for files).
template <typename E>
void registerError(py::module_& m, const char* name, py::handle base, py::handle extraBase = {}) {
  py::object bases = extraBase ? py::object(py::make_tuple(base, extraBase)) : py::reinterpret_borrow<py::object>(base);
  py::register_exception<E>(m, name, bases);
}

} // namespace
} // namespace podml::python

PYBIND11_MODULE(_podml, m) {
  namespace py = pybind11;
  using namespace podml::python;
  m.doc() = "podml's C++ core: read podml files as NumPy arrays without copying, model cards, ONNX Runtime sessions.";
  m.attr("__version__") = PODML_VERSION_STRING;

  auto& error = py::register_exception<podml::Error>(m, "Error", PyExc_RuntimeError);
  registerError<podml::DefinitionError>(m, "DefinitionError", error);
  registerError<podml::IoError>(m, "IoError", error, PyExc_OSError);
  registerError<podml::ModelError>(m, "ModelError", error);
  registerError<podml::InferenceError>(m, "InferenceError", error);
  registerError<podml::UsageError>(m, "UsageError", error, PyExc_ValueError);

  registerFrame(m);
  registerIo(m);
  registerOnnx(m);
  registerTrain(m);
  registerBuild(m);
}
