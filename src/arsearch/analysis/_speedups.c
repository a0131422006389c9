/* arsearch's optional compiled core: the per-word loops of indexing, in C.
 *
 * Each function here gives exactly what a pure-Python function of arsearch
 * gives (named in its docstring); tests/test_speedups.py compares them on
 * generated text and on a corpus sample. The package works without this
 * module (arsearch/analysis/speedups.py falls back to the Python code), so a machine
 * with no C compiler, or Pyodide, loses speed, never results.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

struct numbering {
    PyObject *known; /* dict: surface -> number */
    PyObject *learn; /* callable: the number of a surface not in `known` */
    PyObject *numbers;
};

static int append_number(PyObject *surface, void *context) {
    struct numbering *numbering = context;
    PyObject *number = PyDict_GetItemWithError(numbering->known, surface); /* borrowed */
    if (number != NULL)
        return PyList_Append(numbering->numbers, number);
    if (PyErr_Occurred())
        return -1;
    PyObject *learned = PyObject_CallOneArg(numbering->learn, surface);
    if (learned == NULL)
        return -1;
    int failed = PyList_Append(numbering->numbers, learned);
    Py_DECREF(learned);
    return failed;
}

static PyObject *word_numbers(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1]) || !PyCallable_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "word_numbers(text: str, known: dict, learn: callable)");
        return NULL;
    }
    struct numbering numbering = {args[1], args[2], PyList_New(0)};
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

/* CRC-32 (IEEE 802.3, the polynomial of zlib.crc32), eight bytes at a time ("slicing-by-8"):
 * crc_tables[0] is the classic byte-at-a-time table; crc_tables[k][b] is the CRC of byte b
 * followed by k zero bytes, so eight table look-ups advance the CRC over eight bytes. */
static uint32_t crc_tables[8][256];

static void fill_crc_table(void) {
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        crc_tables[0][byte] = crc;
    }
    for (int k = 1; k < 8; k++)
        for (int byte = 0; byte < 256; byte++)
            crc_tables[k][byte] = (crc_tables[k - 1][byte] >> 8) ^ crc_tables[0][crc_tables[k - 1][byte] & 0xFF];
}

static inline uint32_t little_endian_32(const unsigned char *bytes) {
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

/* crc32(bytes) as zlib.crc32 gives it */
static uint32_t crc32_of(const unsigned char *bytes, Py_ssize_t size) {
    uint32_t crc = 0xFFFFFFFFu;
    for (; size >= 8; bytes += 8, size -= 8) {
        uint32_t low = little_endian_32(bytes) ^ crc, high = little_endian_32(bytes + 4);
        crc = crc_tables[7][low & 0xFF] ^ crc_tables[6][(low >> 8) & 0xFF] ^ crc_tables[5][(low >> 16) & 0xFF] ^
              crc_tables[4][low >> 24] ^ crc_tables[3][high & 0xFF] ^ crc_tables[2][(high >> 8) & 0xFF] ^
              crc_tables[1][(high >> 16) & 0xFF] ^ crc_tables[0][high >> 24];
    }
    for (; size > 0; bytes++, size--)
        crc = crc_tables[0][(crc ^ *bytes) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* sorts `count` hashes ascending: four passes of a byte each (LSD radix), through `spare` */
static void sort_hashes(uint32_t *hashes, uint32_t *spare, Py_ssize_t count) {
    for (int shift = 0; shift < 32; shift += 8) {
        Py_ssize_t starts[257] = {0};
        for (Py_ssize_t i = 0; i < count; i++)
            starts[((hashes[i] >> shift) & 0xFF) + 1]++;
        for (int digit = 0; digit < 256; digit++)
            starts[digit + 1] += starts[digit];
        for (Py_ssize_t i = 0; i < count; i++)
            spare[starts[(hashes[i] >> shift) & 0xFF]++] = hashes[i];
        uint32_t *sorted = spare;
        spare = hashes;
        hashes = sorted;
    }
    /* an even number of passes: the sorted hashes are back in the caller's `hashes` */
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
    /* the present words joined by spaces, as UTF-8, in one buffer: a shingle is a slice of it */
    Py_ssize_t count = PyList_GET_SIZE(numbers), words = 0, used = 0, room = 0;
    Py_ssize_t *ends = PyMem_Malloc(sizeof(Py_ssize_t) * (count + 1)); /* where each word ends */
    unsigned char *joined = NULL;
    uint32_t *hashes = NULL;
    PyObject *result = NULL;
    if (ends == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = column_item(column, PyList_GET_ITEM(numbers, i));
        if (item == NULL)
            goto done;
        if (!PyUnicode_GET_LENGTH(item))
            continue;
        Py_ssize_t length;
        const char *utf8 = PyUnicode_AsUTF8AndSize(item, &length);
        if (utf8 == NULL) { /* a lone surrogate: the caller takes the pure-Python way */
            PyErr_Clear();
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (used + length + 1 > room) {
            room = 2 * (used + length + 1) + 4096;
            unsigned char *larger = PyMem_Realloc(joined, room);
            if (larger == NULL) {
                PyErr_NoMemory();
                goto done;
            }
            joined = larger;
        }
        if (words)
            joined[used++] = ' ';
        memcpy(joined + used, utf8, length);
        used += length;
        ends[words++] = used;
    }
    if (words < fewest || words < shingle) {
        result = PyTuple_New(0);
        goto done;
    }
    Py_ssize_t shingles = words - shingle + 1;
    hashes = PyMem_Malloc(sizeof(uint32_t) * 2 * shingles); /* the hashes, then room to sort them */
    if (hashes == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t first = 0; first < shingles; first++) { /* crc32 of the words joined by spaces */
        Py_ssize_t start = first ? ends[first - 1] + 1 : 0;
        hashes[first] = crc32_of(joined + start, ends[first + shingle - 1] - start);
    }
    sort_hashes(hashes, hashes + shingles, shingles);
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
    PyMem_Free(ends);
    PyMem_Free(joined);
    PyMem_Free(hashes);
    return result;
}

/* --- the spelling key: analysis/spelling.py's spelling_key, by hand ------------------------------ */

/* SPELLING_LETTERS: ج for غ ق ك, ت for ط, س for ص, ز for ذ (the other letters of the table are
 * outside the Arabic block a key is made of) */
static inline Py_UCS4 spelling_letter(Py_UCS4 c) {
    switch (c) {
    case 0x063a: case 0x0642: case 0x0643: return 0x062c;
    case 0x0637: return 0x062a;
    case 0x0635: return 0x0633;
    case 0x0630: return 0x0632;
    default: return c;
    }
}

static inline int is_long_vowel(Py_UCS4 c) { return c == 0x0627 || c == 0x0648 || c == 0x064a; }

static PyObject *spelling_key(PyObject *module, PyObject *form) {
    if (!PyUnicode_Check(form)) {
        PyErr_SetString(PyExc_TypeError, "spelling_key(form: str)");
        return NULL;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(form);
    if (length < 4) /* MIN_LETTERS */
        Py_RETURN_NONE;
    int kind = PyUnicode_KIND(form);
    const void *data = PyUnicode_DATA(form);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x0621 || c > 0x064a)
            Py_RETURN_NONE;
    }
    /* ال set aside when the word is longer than MIN_LETTERS + 1 */
    Py_ssize_t start = length > 5 && PyUnicode_READ(kind, data, 0) == 0x0627 && PyUnicode_READ(kind, data, 1) == 0x0644 ? 2 : 0;
    Py_UCS4 *letters = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(2 * length + 2));
    if (letters == NULL)
        return PyErr_NoMemory();
    Py_ssize_t count = 0;
    for (Py_ssize_t i = start; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == 0x062a && i + 1 < length && PyUnicode_READ(kind, data, i + 1) == 0x0634) { /* تش → ش */
            c = 0x0634;
            i++;
        }
        c = spelling_letter(c);
        if (count > 0 && letters[count - 1] == c) /* doubled letters single */
            continue;
        letters[count++] = c;
    }
    if (count > 3 && (letters[count - 1] == 0x0647 || letters[count - 1] == 0x0627 || letters[count - 1] == 0x0629))
        count--; /* a final ه ا ة */
    Py_UCS4 *key = letters + length + 1; /* the second half of the buffer */
    Py_ssize_t size = 0;
    key[size++] = letters[0];
    for (Py_ssize_t i = 1; i < count - 1; i++)
        if (!is_long_vowel(letters[i]))
            key[size++] = letters[i];
    key[size++] = letters[count - 1];
    PyObject *result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, key, size);
    PyMem_Free(letters);
    return result;
}

/* --- a word's spelling terms: analysis/spelling.py's spelling_terms, by hand --------------------- */

/* is_native_form: the form, or the form after ال, in the table's forms (-1 on error) */
static int native_form(PyObject *form, PyObject *native) {
    int found = PySet_Contains(native, form);
    if (found != 0)
        return found;
    Py_ssize_t length = PyUnicode_GET_LENGTH(form);
    if (length < 2 || PyUnicode_READ_CHAR(form, 0) != 0x0627 || PyUnicode_READ_CHAR(form, 1) != 0x0644)
        return 0;
    PyObject *rest = PyUnicode_Substring(form, 2, length);
    if (rest == NULL)
        return -1;
    found = PySet_Contains(native, rest);
    Py_DECREF(rest);
    return found;
}

static PyObject *article_string = NULL; /* "ال" */

/* known_native: the form, the form after a proclitic before the article (وال، لل... as ال), or after
 * و (for a form longer than MIN_LETTERS), native (-1 on error) */
static int known_native(PyObject *form, PyObject *native, PyObject *before_article) {
    int found = native_form(form, native);
    if (found != 0)
        return found;
    Py_ssize_t length = PyUnicode_GET_LENGTH(form);
    Py_ssize_t count = PyTuple_GET_SIZE(before_article);
    for (Py_ssize_t i = 0; i < count; i++) { /* longest first: the first that matches, as the regex */
        PyObject *prefix = PyTuple_GET_ITEM(before_article, i);
        Py_ssize_t matched = PyUnicode_Tailmatch(form, prefix, 0, length, -1);
        if (matched < 0)
            return -1;
        if (matched) {
            PyObject *rest = PyUnicode_Substring(form, PyUnicode_GET_LENGTH(prefix), length);
            if (rest == NULL)
                return -1;
            PyObject *with_article = PyUnicode_Concat(article_string, rest);
            Py_DECREF(rest);
            if (with_article == NULL)
                return -1;
            found = native_form(with_article, native);
            Py_DECREF(with_article);
            if (found != 0)
                return found;
            break;
        }
    }
    if (length > 4 && PyUnicode_READ_CHAR(form, 0) == 0x0648) { /* و, MIN_LETTERS */
        PyObject *rest = PyUnicode_Substring(form, 1, length);
        if (rest == NULL)
            return -1;
        found = native_form(rest, native);
        Py_DECREF(rest);
        return found;
    }
    return 0;
}

/* spelling_term: key _ form (_ written, where it is not the form), or nothing for a form without a key */
static int append_spelling_term(PyObject *terms, PyObject *form, PyObject *written) {
    PyObject *key = spelling_key(NULL, form);
    if (key == NULL)
        return -1;
    if (key == Py_None) {
        Py_DECREF(key);
        return 0;
    }
    int same = PyUnicode_Compare(form, written);
    if (same == -1 && PyErr_Occurred()) {
        Py_DECREF(key);
        return -1;
    }
    PyObject *term = same == 0 ? PyUnicode_FromFormat("%U_%U", key, form)
                               : PyUnicode_FromFormat("%U_%U_%U", key, form, written);
    Py_DECREF(key);
    if (term == NULL)
        return -1;
    int seen = PySequence_Contains(terms, term);
    int failed = seen < 0 || (!seen && PyList_Append(terms, term) < 0);
    Py_DECREF(term);
    return failed ? -1 : 0;
}

static PyObject *spelling_terms(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) || !PyAnySet_Check(args[2]) ||
        !PyTuple_Check(args[3]) || !PyTuple_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "spelling_terms(form: str, written: str, native: set, "
                                         "proclitics: tuple[tuple[str, str], ...], before_article: tuple[str, ...])");
        return NULL;
    }
    PyObject *form = args[0], *native = args[2], *proclitics = args[3], *before_article = args[4];
    int native_word = known_native(form, native, args[4]);
    if (native_word < 0)
        return NULL;
    if (native_word)
        return PyUnicode_FromStringAndSize(NULL, 0);
    Py_ssize_t length = PyUnicode_GET_LENGTH(form);
    PyObject *written = PyUnicode_GET_LENGTH(args[1]) == length ? args[1] : form;
    PyObject *terms = PyList_New(0);
    if (terms == NULL || append_spelling_term(terms, form, written) < 0)
        goto failed;
    Py_ssize_t count = PyTuple_GET_SIZE(proclitics);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *pair = PyTuple_GET_ITEM(proclitics, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "proclitics: (prefix, what stands for it) pairs");
            goto failed;
        }
        PyObject *prefix = PyTuple_GET_ITEM(pair, 0), *article = PyTuple_GET_ITEM(pair, 1);
        Py_ssize_t cut = PyUnicode_GET_LENGTH(prefix);
        if (length <= cut)
            continue;
        Py_ssize_t matched = PyUnicode_Tailmatch(form, prefix, 0, length, -1);
        if (matched < 0)
            goto failed;
        if (!matched)
            continue;
        PyObject *rest = PyUnicode_Substring(form, cut, length);
        PyObject *bare = rest == NULL ? NULL : PyUnicode_Concat(article, rest);
        Py_XDECREF(rest);
        if (bare == NULL)
            goto failed;
        int bare_native = known_native(bare, native, before_article);
        int failed_here = bare_native < 0;
        if (bare_native == 0) {
            PyObject *written_rest = PyUnicode_Substring(written, cut, length);
            PyObject *spelled = written_rest == NULL ? NULL : PyUnicode_Concat(article, written_rest);
            Py_XDECREF(written_rest);
            failed_here = spelled == NULL || append_spelling_term(terms, bare, spelled) < 0;
            Py_XDECREF(spelled);
        }
        Py_DECREF(bare);
        if (failed_here)
            goto failed;
    }
    PyObject *space = PyUnicode_FromString(" ");
    PyObject *result = space == NULL ? NULL : PyUnicode_Join(space, terms);
    Py_XDECREF(space);
    Py_DECREF(terms);
    return result;
failed:
    Py_XDECREF(terms);
    return NULL;
}

/* --- the module --------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"word_numbers", (PyCFunction)(void (*)(void))word_numbers, METH_FASTCALL,
     "word_numbers(text, known, learn) -> list[int]: [known[w] if w in known else learn(w) for w in "
     "TOKEN_PATTERN.findall(text)]."},
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
    {"spelling_key", (PyCFunction)spelling_key, METH_O,
     "spelling_key(form) -> str | None: analysis.spelling's spelling key of a normalized form."},
    {"spelling_terms", (PyCFunction)(void (*)(void))spelling_terms, METH_FASTCALL,
     "spelling_terms(form, written, native, proclitics, before_article) -> str: analysis.spelling's "
     "spelling terms of a word (see speedups.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "arsearch.analysis._speedups", "arsearch's optional compiled core (see speedups.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    fill_crc_table();
    article_string = PyUnicode_FromString("\xd8\xa7\xd9\x84"); /* ال */
    if (article_string == NULL)
        return NULL;
    return PyModule_Create(&module_definition);
}
