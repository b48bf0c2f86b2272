// The `_podml` extension: podml's exceptions as Python classes, then the bindings
// by topic (IoBindings.cc, FrameBindings.cc, OnnxBindings.cc).
#include "Bindings.h"

#include "podml/Exceptions.h"

#include <cstring>

namespace podml::python {
namespace {

// Messages quote names and bytes from the user's files, which need not be UTF-8;
// pybind11's own translator decodes strictly and then raises with an empty message.
void setError(PyObject* type, const char* what) {
  PyObject* text = PyUnicode_DecodeUTF8(what, static_cast<Py_ssize_t>(std::strlen(what)), "backslashreplace");
  if (text == nullptr) {
    PyErr_Clear();
    text = PyUnicode_FromString("(the message could not be decoded)");
  }
  PyErr_SetObject(type, text);
  Py_XDECREF(text);
}

// Each C++ phase becomes a Python class derived from podml.Error, with the C++
// message as its text. pybind11 tries translators newest first, so the base is
// registered first and every subclass is matched before it. `extraBase` adds the
// built-in class Python code would naturally catch (ValueError for misuse, OSError for files).
template <typename E>
py::handle registerError(py::module_& m, const char* name, py::handle base, py::handle extraBase = {}) {
  py::object bases = extraBase ? py::object(py::make_tuple(base, extraBase)) : py::reinterpret_borrow<py::object>(base);
  static py::exception<E> cls(m, name, bases); // one class per E, alive as long as the module
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) {
        std::rethrow_exception(p);
      }
    } catch (const E& e) {
      setError(cls.ptr(), e.what());
    }
  });
  return cls;
}

} // namespace
} // namespace podml::python

PYBIND11_MODULE(_podml, m) {
  namespace py = pybind11;
  using namespace podml::python;
  m.doc() = "podml's C++ core: read podml files as NumPy arrays without copying, model cards, ONNX Runtime sessions.";
  m.attr("__version__") = PODML_VERSION_STRING;

  const py::handle error = registerError<podml::Error>(m, "Error", PyExc_RuntimeError);
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
