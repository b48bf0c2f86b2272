#pragma once
/// \file Exceptions.h
/// podml's exception hierarchy, split by phase (see docs/design.md).
/// Messages follow `<what failed>: <why> (<context>)`.

#include <stdexcept>
#include <string>

namespace podml {

/// Base of every exception podml throws on purpose.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A data model definition (YAML, JSON, model card) is malformed or invalid.
class DefinitionError : public Error {
public:
  using Error::Error;
};

/// A file cannot be read or written, or its content is not what podml expects.
class IoError : public Error {
public:
  using Error::Error;
};

/// A model cannot be loaded or does not fit the data it is asked to run on.
class ModelError : public Error {
public:
  using Error::Error;
};

/// Running a model failed.
class InferenceError : public Error {
public:
  using Error::Error;
};

/// A collection or object was used in a way its API does not allow
/// (missing or mistyped collection in a Frame, out-of-range `at()`, ...).
class UsageError : public Error {
public:
  using Error::Error;
};

} // namespace podml
