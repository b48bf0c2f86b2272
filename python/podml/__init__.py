"""podml: podio-style event data in columnar HDF5 files, as NumPy arrays without copying.

Read columns for training::

    import podml
    with podml.open("events*.h5") as reader:
        batch = reader.read_columns("Hits", ["x", "energy"])
        x = batch["x"]            # a read-only view of podml's memory, no copy
        per_event = batch.offsets # entry i owns rows offsets[i]:offsets[i + 1]

Frames and collections by name, model cards and ONNX Runtime sessions are in
the same namespace; see docs/python.md. Every error podml raises is a
``podml.Error`` with the C++ message.
"""

from ._podml import (
    CollectionInfo,
    Collection,
    ColumnBatch,
    ColumnInfo,
    DataModel,
    DefinitionError,
    Error,
    Frame,
    InferenceError,
    IoError,
    ModelError,
    Reader,
    Session,
    UsageError,
    Writer,
    __version__,
    attach_card,
    check,
    check_model,
    complete_card,
    data_model,
    import_hepmc,
    infer,
    labelled_rows,
    make_frame,
    model_info,
    read_card,
    read_card_file,
    read_training_spec,
    shard,
    training_card,
)

__all__ = [
    "CollectionInfo",
    "Collection",
    "ColumnBatch",
    "ColumnInfo",
    "DataModel",
    "DefinitionError",
    "Error",
    "Frame",
    "InferenceError",
    "IoError",
    "ModelError",
    "Reader",
    "Session",
    "UsageError",
    "Writer",
    "__version__",
    "attach_card",
    "check",
    "check_model",
    "complete_card",
    "data_model",
    "import_hepmc",
    "infer",
    "labelled_rows",
    "make_frame",
    "model_info",
    "open",
    "read_card",
    "read_card_file",
    "read_training_spec",
    "shard",
    "training_card",
]


def open(files):  # noqa: A001 - podml.open mirrors the built-in for files of events
    """Open podml files as one chain: a path, a glob pattern (``"data/*.h5"``), an
    ``os.PathLike``, or a list of them in order. Same as ``podml.Reader(files)``;
    raises ``podml.IoError`` naming the file if one cannot be read."""
    return Reader(files)
