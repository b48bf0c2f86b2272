"""Type stubs of the podml package (the _podml extension plus podml/__init__.py)."""

import os
from types import TracebackType
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence, Union

import numpy as np
import numpy.typing as npt

_Path = Union[str, os.PathLike[str]]
_Paths = Union[_Path, Sequence[_Path]]
_Card = Union[Mapping[str, Any], str]
_DataSource = Union["Reader", _Path]
_Kind = Literal["member", "vector_value", "range_begin", "range_end"]

__version__: str

class Error(RuntimeError):
    """Base of every exception podml raises on purpose; the text is the C++ message."""

class DefinitionError(Error):
    """A data model definition (YAML, JSON) or a model card is malformed or invalid."""

class IoError(Error, OSError):
    """A file cannot be read or written, or its content is not what podml expects."""

class ModelError(Error):
    """A model cannot be loaded or does not fit the data it is asked to run on."""

class InferenceError(Error):
    """Running a model failed."""

class UsageError(Error, ValueError):
    """The API was used in a way it does not allow (unknown collection or column, bad range)."""

def open(files: _Paths) -> Reader:
    """Open podml files (paths, glob patterns) as one chain; same as ``Reader(files)``."""

def shard(entries: int, i: int, n: int) -> tuple[int, int]:
    """Shard ``i`` of ``n`` of ``entries`` entries as ``(first, last)``."""

class ColumnInfo:
    """One stored column of a collection."""
    @property
    def path(self) -> str: ...
    @property
    def dtype(self) -> str: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def unit(self) -> str: ...
    @property
    def kind(self) -> _Kind: ...
    @property
    def owner(self) -> str: ...

class CollectionInfo:
    """A collection as stored in one category of the files."""
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def data_model(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def collection_id(self) -> int: ...
    @property
    def subset(self) -> bool: ...
    @property
    def objects(self) -> int: ...
    @property
    def columns(self) -> list[ColumnInfo]: ...
    def column(self, path: str) -> ColumnInfo:
        """The column ``path``; raises UsageError if there is none."""

class DataModel:
    """A data model definition as stored in the files."""
    @property
    def name(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def hash(self) -> str: ...
    @property
    def upstream(self) -> list[str]: ...
    @property
    def json(self) -> str: ...
    @property
    def datatypes(self) -> list[str]: ...
    def definition(self) -> dict[str, Any]:
        """The definition JSON parsed into dicts and lists."""

class ColumnBatch:
    """Columns of one collection over a range of entries; arrays are read-only views (no copy)."""
    @property
    def paths(self) -> list[str]: ...
    @property
    def first_entry(self) -> int: ...
    @property
    def entries(self) -> int: ...
    @property
    def columns(self) -> dict[str, npt.NDArray[Any]]: ...
    @property
    def offsets(self) -> npt.NDArray[np.uint64]: ...
    @property
    def present(self) -> npt.NDArray[np.bool_]:
        """Per entry, False where the entry lacks the collection (no rows, as for an empty one)."""
    def __getitem__(self, path: str) -> npt.NDArray[Any]: ...
    def __contains__(self, path: str) -> bool: ...
    def __len__(self) -> int: ...
    def entry(self, i: int) -> dict[str, npt.NDArray[Any]]:
        """The rows of the ``i``-th entry of the batch, per column (views)."""
    def _data_address(self, path: str) -> int: ...

class Collection:
    """One collection of a Frame; column arrays are read-only views that keep the frame alive."""
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def collection_type(self) -> str: ...
    @property
    def data_model(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def id(self) -> int: ...
    @property
    def subset(self) -> bool: ...
    def __len__(self) -> int: ...
    def columns(self) -> list[str]:
        """The column paths, in storage order."""
    def column(self, path: str) -> npt.NDArray[Any]:
        """Column ``path`` as a read-only view of the frame's memory."""
    def relations(self) -> list[str]:
        """Names of the relations, one-to-one first."""
    def relation_ids(self, name: str) -> npt.NDArray[np.void]:
        """Targets of relation ``name`` (structured: ``index``, ``collectionID``)."""
    def subset_ids(self) -> npt.NDArray[np.void]:
        """The objects a subset collection references (structured: ``index``, ``collectionID``)."""
    def _data_address(self, path: str) -> int: ...

class Frame:
    """One event (or run, or metadata record): collections by name plus parameters."""
    @property
    def collection_names(self) -> list[str]: ...
    @property
    def parameters(self) -> dict[str, dict[str, list[Any]]]: ...
    def __getitem__(self, name: str) -> Collection: ...
    def get(self, name: str) -> Collection | None: ...
    def __contains__(self, name: str) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...
    def get_parameter(self, key: str) -> list[Any] | None: ...

class Reader:
    """Reads podml files as one chain of entries."""
    def __init__(self, files: _Paths) -> None: ...
    @property
    def files(self) -> list[str]: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def format_version(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def entries(self, category: str = "events") -> int: ...
    def collections(self, category: str = "events") -> list[CollectionInfo]: ...
    def data_models(self) -> dict[str, DataModel]: ...
    def read_columns(
        self,
        collection: str,
        paths: str | Sequence[str],
        category: str = "events",
        first: int = 0,
        last: int | None = None,
    ) -> ColumnBatch: ...
    def read_frame(self, i: int, category: str = "events", collections: Sequence[str] | None = None) -> Frame: ...
    def read_next_frame(self, category: str = "events") -> Frame: ...
    def frames(
        self,
        category: str = "events",
        collections: Sequence[str] | None = None,
        first: int = 0,
        last: int | None = None,
    ) -> Iterator[Frame]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Reader: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

class Writer:
    """Writes Frames to a podml file; the file appears under its name at finish()."""
    def __init__(
        self, path: _Path, compression: str = "none", chunk_rows: int = 65536, flush_events: int = 1000
    ) -> None: ...
    @property
    def path(self) -> str: ...
    def write_frame(self, frame: Frame, category: str = "events", collections: Sequence[str] | None = None) -> None: ...
    def finish(self) -> None: ...
    def abandon(self, keep_temporary: bool = True) -> None: ...
    def write_events(
        self,
        data_model: DataModel | _DataSource,
        collections: dict[str, dict[str, Any]],
        category: str = "events",
        parameters: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
    ) -> int: ...
    def entries(self, category: str = "events") -> int: ...
    def __enter__(self) -> Writer: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

def model_info(path: _Path) -> dict[str, Any]:
    """What an ONNX model declares (inputs, outputs, opsets, metadata, card)."""

def read_card(path: _Path) -> dict[str, Any] | None:
    """The model card of an ONNX model, or None."""

def complete_card(card: _Card, data: _DataSource, data_model: str = "") -> dict[str, Any]:
    """The card with members and hashes completed from a data model."""

def attach_card(
    model_in: _Path, card: _Card, model_out: _Path, data: _DataSource | None = None, data_model: str = ""
) -> None:
    """Stores a card in an ONNX model's metadata (completing it from ``data`` if given)."""

def check(model: _Path, data: _DataSource, data_model: str = "") -> list[str]:
    """Checks a model's card against its graph and a data model: one line per mismatch."""

def check_model(path: _Path) -> str:
    """ONNX's own checker: ``''`` if the model passes, else the reason."""

def data_model(source: _DataSource, name: str = "") -> DataModel:
    """A data model from a podml file, a Reader or a data model YAML."""

def import_hepmc(
    inputs: _Path | Iterable[_Path], output: _Path, edm4hep: DataModel | _DataSource, max_events: int = 0
) -> dict[str, Any]:
    """HepMC3/HepMC2 files to EDM4hep MCParticles and EventHeader, as ``podml import hepmc``."""

def make_frame(
    data_model: DataModel | _DataSource, collections: dict[str, dict[str, Any]], parameters: dict[str, Any] | None = None
) -> Frame:
    """One event built from NumPy arrays (as Writer.write_events takes them)."""

def read_training_spec(spec: _Path | dict[str, Any]) -> dict[str, Any]:
    """A training spec read and checked as ``podml train`` reads it, defaults filled in."""

def labelled_rows(
    spec: _Path | dict[str, Any], files: _Path | Iterable[_Path], first: int = 0, last: int = 0
) -> dict[str, Any]:
    """The rows ``podml train`` makes: features, labels, validation mask, entry and object per row;
    with constituents also ``constituents`` [M, F], ``offsets`` [rows + 1], ``constituent_names``;
    with classes ``labels`` is int64 and ``class_names`` lists them."""

def training_card(
    spec: _Path | dict[str, Any], files: _Path | Iterable[_Path], provenance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The model card ``podml train`` attaches for ``spec``, completed from ``files``' data model."""

def read_card_file(path: _Path) -> dict[str, Any]:
    """A model card file (YAML, or JSON for ``.json``) as a dict."""

def infer(
    model: _Path,
    inputs: _Path | Iterable[_Path],
    output: _Path,
    *,
    category: str = "events",
    input_collections: dict[str, str] | None = None,
    output_collections: dict[str, str] | None = None,
    shard: tuple[int, int] = (0, 1),
    only_scores: bool = False,
    on_empty_input: str = "skip",
    algorithm_type: int = 0,
    intra_op_threads: int = 1,
    inter_op_threads: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Scores ``inputs`` with ``model`` and writes ``output``, as ``podml infer`` does."""

class Session:
    """An ONNX model in ONNX Runtime, optionally bound to a data model for run() on frames."""
    def __init__(
        self,
        model: _Path,
        data: _DataSource | None = None,
        data_model: str = "",
        intra_op_threads: int = 1,
        inter_op_threads: int = 1,
        input_collections: Mapping[str, str] | None = None,
        output_collections: Mapping[str, str] | None = None,
        binding: _Card | None = None,
        algorithm_type: int = 0,
    ) -> None: ...
    @property
    def path(self) -> str: ...
    @property
    def card(self) -> dict[str, Any] | None: ...
    @property
    def info(self) -> dict[str, Any]: ...
    @property
    def data_model(self) -> str | None: ...
    @property
    def input_names(self) -> list[str]: ...
    @property
    def output_names(self) -> list[str]: ...
    def run_tensors(self, inputs: Iterable[npt.ArrayLike]) -> list[npt.NDArray[Any]]: ...
    def run(self, frame: Frame) -> dict[str, npt.NDArray[Any]]: ...
    def run_and_write_back(self, frame: Frame) -> list[str]: ...
