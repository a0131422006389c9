/* arsearch's optional compiled core: the per-word loops of indexing, in C.
 *
 * Each function here gives exactly what a pure-Python function of arsearch
 * gives (named in its docstring); tests/test_speedups.py compares them on
 * generated text and on a corpus sample. The package works without this
 * module (arsearch/speedups.py falls back to the Python code), so a machine
 * with no C compiler, or Pyodide, loses speed, never results.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

/* --- the tokenizer: analysis/tokenize.py's TOKEN_PATTERN, by hand ------------------------------ */

/* [^\W_\u0640]: a word character of Python's re (alphanumeric or _), not _ and not tatweel */
static inline int is_alnum(Py_UCS4 c) { return c != 0x0640 && c != '_' && Py_UNICODE_ISALNUM(c); }

/* \d of Python's re on str patterns */
static inline int is_digit(Py_UCS4 c) { return Py_UNICODE_ISDECIMAL(c); }

/* _MARK */
static inline int is_mark(Py_UCS4 c) {
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x064b && c <= 0x065f) || c == 0x0670 ||
           (c >= 0x06d6 && c <= 0x06dc) || (c >= 0x06df && c <= 0x06e4) || c == 0x06e7 || c == 0x06e8 ||
           (c >= 0x06ea && c <= 0x06ed);
}

/* _JOINER */
static inline int is_joiner(Py_UCS4 c) { return c == 0x0640 || (c >= 0x200c && c <= 0x200f) || c == 0x061c; }

/* _CLITIC_BEFORE_NUMBER's letters: و ف ب ل ك */
static inline int is_clitic(Py_UCS4 c) {
    return c == 0x0648 || c == 0x0641 || c == 0x0628 || c == 0x0644 || c == 0x0643;
}

/* separators inside a _NUMBER: . , ٫ ٬ */
static inline int is_number_separator(Py_UCS4 c) { return c == '.' || c == ',' || c == 0x066b || c == 0x066c; }

/* The end of the token that starts at `start`, or -1 when none does: the first alternative of
 * TOKEN_PATTERN that matches there, as re tries them (clitic, number, word). */
static Py_ssize_t token_end(int kind, const void *data, Py_ssize_t length, Py_ssize_t start) {
    Py_UCS4 c = PyUnicode_READ(kind, data, start);
    if (is_clitic(c) && start + 1 < length && is_digit(PyUnicode_READ(kind, data, start + 1)))
        return start + 1;
    if (is_digit(c)) {
        Py_ssize_t end = start + 1;
        int groups = 0;
        while (end < length && is_digit(PyUnicode_READ(kind, data, end)))
            end++;
        while (end + 1 < length && is_number_separator(PyUnicode_READ(kind, data, end)) &&
               is_digit(PyUnicode_READ(kind, data, end + 1))) {
            end += 2;
            while (end < length && is_digit(PyUnicode_READ(kind, data, end)))
                end++;
            groups++;
        }
        if (groups)
            return end;
    }
    if (!is_alnum(c))
        return -1;
    Py_ssize_t end = start + 1;
    while (end < length) {
        Py_UCS4 next = PyUnicode_READ(kind, data, end);
        if (is_alnum(next) || is_mark(next)) {
            end++;
        } else if (is_joiner(next)) {
            /* a run of joiners belongs to the word only when a letter or a mark follows it */
            Py_ssize_t after = end + 1;
            while (after < length && is_joiner(PyUnicode_READ(kind, data, after)))
                after++;
            if (after >= length)
                break;
            Py_UCS4 following = PyUnicode_READ(kind, data, after);
            if (!is_alnum(following) && !is_mark(following))
                break;
            end = after;
        } else {
            break;
        }
    }
    return end;
}

/* Calls `each(surface, context)` for every token of `text`, in order; -1 on error. */
typedef int (*token_callback)(PyObject *surface, void *context);

static int for_each_token(PyObject *text, token_callback each, void *context) {
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) /* a string made by the legacy C API, before 3.12 */
        return -1;
#endif
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t at = 0;
    while (at < length) {
        Py_ssize_t end = token_end(kind, data, length, at);
        if (end < 0) {
            at++;
            continue;
        }
        PyObject *surface = PyUnicode_Substring(text, at, end);
        if (surface == NULL)
            return -1;
        int failed = each(surface, context);
        Py_DECREF(surface);
        if (failed)
            return -1;
        at = end;
    }
    return 0;
}

static int append_surface(PyObject *surface, void *context) { return PyList_Append((PyObject *)context, surface); }

static PyObject *tokens(PyObject *module, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "tokens() takes a str");
        return NULL;
    }
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    if (for_each_token(text, append_surface, found) < 0) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}

struct numbering {
    PyObject *known; /* dict: surface -> number */
    PyObject *numbers;
};

static int append_number(PyObject *surface, void *context) {
    struct numbering *numbering = context;
    PyObject *number = PyDict_GetItemWithError(numbering->known, surface); /* borrowed */
    if (number == NULL) {
        if (PyErr_Occurred())
            return -1;
        number = Py_None;
    }
    return PyList_Append(numbering->numbers, number);
}

static PyObject *word_numbers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "word_numbers(text: str, known: dict)");
        return NULL;
    }
    struct numbering numbering = {args[1], PyList_New(0)};
    if (numbering.numbers == NULL)
        return NULL;
    if (for_each_token(args[0], append_number, &numbering) < 0) {
        Py_DECREF(numbering.numbers);
        return NULL;
    }
    return numbering.numbers;
}

/* --- fields from word numbers ------------------------------------------------------------------- */

/* column[number] for each number, a borrowed str; NULL (and an exception) when out of range */
static PyObject *column_item(PyObject *column, PyObject *number_object) {
    Py_ssize_t number = PyLong_AsSsize_t(number_object);
    if (number == -1 && PyErr_Occurred())
        return NULL;
    if (number < 0 || number >= PyList_GET_SIZE(column)) {
        PyErr_SetString(PyExc_IndexError, "word number out of the table");
        return NULL;
    }
    PyObject *item = PyList_GET_ITEM(column, number);
    if (!PyUnicode_Check(item)) {
        PyErr_SetString(PyExc_TypeError, "the table holds a non-str");
        return NULL;
    }
    return item;
}

static int check_column_and_numbers(PyObject *const *args, Py_ssize_t nargs, Py_ssize_t wanted, const char *usage) {
    if (nargs != wanted || !PyList_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, usage);
        return -1;
    }
    return 0;
}

static PyObject *present(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (check_column_and_numbers(args, nargs, 2, "present(column: list[str], numbers: list[int])") < 0)
        return NULL;
    PyObject *column = args[0], *numbers = args[1];
    Py_ssize_t count = PyList_GET_SIZE(numbers);
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = column_item(column, PyList_GET_ITEM(numbers, i));
        if (item == NULL || (PyUnicode_GET_LENGTH(item) && PyList_Append(found, item) < 0)) {
            Py_DECREF(found);
            return NULL;
        }
    }
    return found;
}

static PyObject *counted(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (check_column_and_numbers(args, nargs, 2, "counted(column: list[str], numbers: list[int])") < 0)
        return NULL;
    PyObject *column = args[0], *numbers = args[1];
    Py_ssize_t count = PyList_GET_SIZE(numbers);
    PyObject *counts = PyDict_New();
    if (counts == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = column_item(column, PyList_GET_ITEM(numbers, i));
        if (item == NULL)
            goto failed;
        if (!PyUnicode_GET_LENGTH(item))
            continue;
        PyObject *seen = PyDict_GetItemWithError(counts, item); /* borrowed */
        long times = 1;
        if (seen != NULL) {
            times = PyLong_AsLong(seen) + 1;
            if (times == 0 && PyErr_Occurred())
                goto failed;
        } else if (PyErr_Occurred()) {
            goto failed;
        }
        PyObject *updated = PyLong_FromLong(times);
        int not_set = updated == NULL || PyDict_SetItem(counts, item, updated) < 0;
        Py_XDECREF(updated);
        if (not_set)
            goto failed;
    }
    return counts;
failed:
    Py_DECREF(counts);
    return NULL;
}

static PyObject *joined(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (check_column_and_numbers(args, nargs, 3, "joined(column: list[str], numbers: list[int], longest: int)") < 0)
        return NULL;
    PyObject *column = args[0], *numbers = args[1];
    Py_ssize_t longest = PyLong_AsSsize_t(args[2]);
    if (longest == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(numbers);
    PyObject *parts = PyList_New(0), *space = NULL, *result = NULL;
    if (parts == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = column_item(column, PyList_GET_ITEM(numbers, i));
        if (item == NULL)
            goto done;
        Py_ssize_t length = PyUnicode_GET_LENGTH(item);
        if (!length)
            continue;
        if (length > longest) { /* engines drop overlong terms: keep their first `longest` characters */
            PyObject *cut = PyUnicode_Substring(item, 0, longest);
            int failed = cut == NULL || PyList_Append(parts, cut) < 0;
            Py_XDECREF(cut);
            if (failed)
                goto done;
        } else if (PyList_Append(parts, item) < 0) {
            goto done;
        }
    }
    space = PyUnicode_FromString(" ");
    if (space != NULL)
        result = PyUnicode_Join(space, parts);
done:
    Py_XDECREF(space);
    Py_DECREF(parts);
    return result;
}

/* --- near-duplicate sketches ------------------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, the polynomial of zlib.crc32), a byte at a time from a 256-entry table */
static uint32_t crc_table[256];

static void fill_crc_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        crc_table[byte] = crc;
    }
}

/* continues a CRC over more bytes: crc_more(crc_more(0xFFFFFFFF, a), b) then ~ is crc32(a + b) */
static inline uint32_t crc_more(uint32_t crc, const unsigned char *bytes, Py_ssize_t size) {
    for (Py_ssize_t i = 0; i < size; i++)
        crc = crc_table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static int compare_hashes(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static PyObject *sketch(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyList_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError,
                        "sketch(words: list[str], numbers: list[int], size: int, shingle: int, fewest: int)");
        return NULL;
    }
    PyObject *column = args[0], *numbers = args[1];
    Py_ssize_t size = PyLong_AsSsize_t(args[2]), shingle = PyLong_AsSsize_t(args[3]);
    Py_ssize_t fewest = PyLong_AsSsize_t(args[4]);
    if (PyErr_Occurred())
        return NULL;
    if (shingle < 1) {
        PyErr_SetString(PyExc_ValueError, "a shingle has at least one word");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(numbers), words = 0;
    const char **starts = PyMem_Malloc(sizeof(char *) * (count + 1));
    Py_ssize_t *sizes = PyMem_Malloc(sizeof(Py_ssize_t) * (count + 1));
    uint32_t *hashes = NULL;
    PyObject *result = NULL;
    if (starts == NULL || sizes == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) { /* the words in order, empty ones left out, as UTF-8 */
        PyObject *item = column_item(column, PyList_GET_ITEM(numbers, i));
        if (item == NULL)
            goto done;
        if (!PyUnicode_GET_LENGTH(item))
            continue;
        starts[words] = PyUnicode_AsUTF8AndSize(item, &sizes[words]);
        if (starts[words] == NULL) { /* a lone surrogate: the caller takes the pure-Python way */
            PyErr_Clear();
            result = Py_NewRef(Py_None);
            goto done;
        }
        words++;
    }
    if (words < fewest || words < shingle) {
        result = PyTuple_New(0);
        goto done;
    }
    Py_ssize_t shingles = words - shingle + 1;
    hashes = PyMem_Malloc(sizeof(uint32_t) * shingles);
    if (hashes == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    static const unsigned char space = ' ';
    for (Py_ssize_t first = 0; first < shingles; first++) { /* crc32 of the words joined by spaces */
        uint32_t crc = 0xFFFFFFFFu;
        for (Py_ssize_t w = first; w < first + shingle; w++) {
            if (w > first)
                crc = crc_more(crc, &space, 1);
            crc = crc_more(crc, (const unsigned char *)starts[w], sizes[w]);
        }
        hashes[first] = ~crc;
    }
    qsort(hashes, shingles, sizeof(uint32_t), compare_hashes);
    Py_ssize_t distinct = 0; /* the smallest `size` distinct hashes, ascending */
    for (Py_ssize_t i = 0; i < shingles && distinct < size; i++)
        if (i == 0 || hashes[i] != hashes[i - 1])
            hashes[distinct++] = hashes[i];
    result = PyTuple_New(distinct);
    for (Py_ssize_t i = 0; result != NULL && i < distinct; i++) {
        PyObject *value = PyLong_FromUnsignedLong(hashes[i]);
        if (value == NULL)
            Py_CLEAR(result);
        else
            PyTuple_SET_ITEM(result, i, value);
    }
done:
    PyMem_Free(starts);
    PyMem_Free(sizes);
    PyMem_Free(hashes);
    return result;
}

/* --- the module --------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"tokens", (PyCFunction)tokens, METH_O,
     "tokens(text) -> list[str]: TOKEN_PATTERN.findall(text) (analysis/tokenize.py)."},
    {"word_numbers", (PyCFunction)(void (*)(void))word_numbers, METH_FASTCALL,
     "word_numbers(text, known) -> list[int | None]: [known.get(w) for w in TOKEN_PATTERN.findall(text)]."},
    {"present", (PyCFunction)(void (*)(void))present, METH_FASTCALL,
     "present(column, numbers) -> list[str]: list(filter(None, map(column.__getitem__, numbers)))."},
    {"counted", (PyCFunction)(void (*)(void))counted, METH_FASTCALL,
     "counted(column, numbers) -> dict[str, int]: dict(Counter(present(column, numbers))), in order of first "
     "occurrence."},
    {"joined", (PyCFunction)(void (*)(void))joined, METH_FASTCALL,
     "joined(column, numbers, longest) -> str: the present words, each cut to `longest` characters, "
     "joined by spaces."},
    {"sketch", (PyCFunction)(void (*)(void))sketch, METH_FASTCALL,
     "sketch(words, numbers, size, shingle, fewest) -> tuple[int, ...] | None: fingerprint.sketch of the "
     "present words (None: a word is not UTF-8 encodable; use the Python way)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "arsearch._speedups", "arsearch's optional compiled core (see speedups.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    fill_crc_table();
    return PyModule_Create(&module_definition);
}
