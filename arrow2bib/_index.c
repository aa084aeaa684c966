/* The duplicate index's in-memory table in C: arrow2bib._index.Table.
 *
 * The same object as arrow2bib.checks.duplicates._Table, the Python reference: the same
 * methods, arguments, results, slots, growth and estimated size (tests/test_index_table.py
 * runs both side by side). Built with the compiled core (ARROW2BIB_COMPILE=1, setup.py);
 * an install without it uses the Python table and finds the same matches.
 *
 * Per hashed key, its papers newest first: an open-addressing table of slots (a key's latest
 * entry), and per entry the key, the paper and the key's entry before it. Per paper, the
 * fields the vetoes read: year, hash of the title's numbers, family names' mask, title length.
 * Memory comes from PyMem_Realloc (traced by tracemalloc, as the Python arrays are) and grows
 * by about 1/16, as CPython's array does, so the Python table's estimate holds for both.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

/* as in arrow2bib/checks/duplicates.py */
#define MAX_BLOCK 64
#define MAX_YEARS_APART 3
#define PENDING (1 << 16)
#define PER_SLOT 4
#define PER_ENTRY (8 + 4 + 4)
#define PER_PAPER (8 + 8 + 8 + 4 + 8)
#define NO_YEAR INT64_MIN
#define FIRST_CAPACITY 1024

typedef struct {
    PyObject_HEAD
    PyObject *limit;          /* None or an int, as given */
    long long limit_value;    /* -1: no limit */
    int full;
    long long size;
    Py_ssize_t capacity;      /* a power of 2 */
    Py_ssize_t taken;
    int32_t *heads;
    int64_t *entry_keys;
    int32_t *entry_seqs;
    int32_t *entry_prevs;
    Py_ssize_t entries, entries_allocated;
    int64_t *years;
    int64_t *numbers;
    int64_t *masks;
    int32_t *lengths;
    Py_ssize_t papers, papers_allocated;
    int32_t *found;           /* scratch for candidates() */
    Py_ssize_t found_allocated;
} Table;

/* CPython's array growth: newsize + newsize / 16 + (3 or 7) */
static Py_ssize_t
grown(Py_ssize_t needed)
{
    return needed + (needed >> 4) + (needed < 8 ? 3 : 7);
}

static int
resize(void **data, Py_ssize_t count, size_t item)
{
    void *moved = PyMem_Realloc(*data, (size_t)count * item);
    if (moved == NULL && count > 0) {
        PyErr_NoMemory();
        return -1;
    }
    *data = moved;
    return 0;
}

static int32_t *
empty_heads(Py_ssize_t capacity)
{
    int32_t *heads = PyMem_Malloc((size_t)capacity * sizeof(int32_t));
    if (heads == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < capacity; i++)
        heads[i] = -1;
    return heads;
}

static void
release(Table *self)
{
    PyMem_Free(self->heads);
    PyMem_Free(self->entry_keys);
    PyMem_Free(self->entry_seqs);
    PyMem_Free(self->entry_prevs);
    PyMem_Free(self->years);
    PyMem_Free(self->numbers);
    PyMem_Free(self->masks);
    PyMem_Free(self->lengths);
    PyMem_Free(self->found);
    self->heads = NULL;
    self->entry_keys = NULL;
    self->entry_seqs = self->entry_prevs = NULL;
    self->years = self->numbers = self->masks = NULL;
    self->lengths = NULL;
    self->found = NULL;
    self->capacity = self->taken = 0;
    self->entries = self->entries_allocated = 0;
    self->papers = self->papers_allocated = 0;
    self->found_allocated = 0;
}

static void
Table_dealloc(Table *self)
{
    release(self);
    Py_XDECREF(self->limit);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
Table_init(Table *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {"limit", NULL};
    PyObject *limit = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Table", names, &limit))
        return -1;
    long long value = -1;
    if (limit != Py_None) {
        value = PyLong_AsLongLong(limit);
        if (value == -1 && PyErr_Occurred())
            return -1;
        if (value < 0) {
            PyErr_SetString(PyExc_ValueError, "the limit is a number of bytes, 0 or more");
            return -1;
        }
    }
    release(self);
    Py_INCREF(limit);
    Py_XSETREF(self->limit, limit);
    self->limit_value = value;
    self->full = 0;
    self->size = 0;
    self->heads = empty_heads(FIRST_CAPACITY);
    if (self->heads == NULL)
        return -1;
    self->capacity = FIRST_CAPACITY;
    return 0;
}

/* The slot of key, or the empty slot where it goes. */
static Py_ssize_t
slot_of(const Table *self, int64_t key)
{
    uint64_t mask = (uint64_t)self->capacity - 1;
    uint64_t slot = (uint64_t)key & mask;
    while (self->heads[slot] != -1 && self->entry_keys[self->heads[slot]] != key)
        slot = (slot + 1) & mask;
    return (Py_ssize_t)slot;
}

static int
int64_item(PyObject *item, int64_t *out)
{
    long long value = PyLong_AsLongLong(item);
    if (value == -1 && PyErr_Occurred())
        return -1;
    *out = value;
    return 0;
}

static int
compare_seqs(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Whether two years (neither NO_YEAR) are at most MAX_YEARS_APART apart. */
static int
years_near(int64_t a, int64_t b)
{
    int64_t apart;
    if (__builtin_sub_overflow(a, b, &apart))
        return 0;
    return -MAX_YEARS_APART <= apart && apart <= MAX_YEARS_APART;
}

static PyObject *
Table_candidates(Table *self, PyObject *args)
{
    PyObject *keys;
    long long numbers, year, mask, shortest, longest;
    if (!PyArg_ParseTuple(args, "O!LLLLL:candidates", &PyList_Type, &keys, &numbers, &year,
                          &mask, &shortest, &longest))
        return NULL;
    if (self->heads == NULL) {
        PyErr_SetString(PyExc_ValueError, "the table was released");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(keys);
    PyObject *slots = PyList_New(count);
    if (slots == NULL)
        return NULL;
    Py_ssize_t found = 0;
    uint64_t capacity = (uint64_t)self->capacity - 1;
    for (Py_ssize_t number = 0; number < count; number++) {
        int64_t key;
        if (int64_item(PyList_GET_ITEM(keys, number), &key) < 0)
            goto fail;
        uint64_t slot = (uint64_t)key & capacity;
        int32_t entry = self->heads[slot];
        while (entry != -1 && self->entry_keys[entry] != key) {
            slot = (slot + 1) & capacity;
            entry = self->heads[slot];
        }
        PyObject *value = PyLong_FromSsize_t((Py_ssize_t)slot);
        if (value == NULL)
            goto fail;
        PyList_SET_ITEM(slots, number, value);
        long long left = number == 0 ? -1 : MAX_BLOCK;  /* the exact title: no cap */
        while (entry != -1 && left) {
            if (found == self->found_allocated) {
                Py_ssize_t more = grown(found + 1);
                if (resize((void **)&self->found, more, sizeof(int32_t)) < 0)
                    goto fail;
                self->found_allocated = more;
            }
            self->found[found++] = self->entry_seqs[entry];
            entry = self->entry_prevs[entry];
            left--;
        }
    }
    qsort(self->found, (size_t)found, sizeof(int32_t), compare_seqs);
    PyObject *passed = PyList_New(0);
    if (passed == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < found; i++) {
        int32_t seq = self->found[i];
        if (i > 0 && seq == self->found[i - 1])
            continue;  /* a set: each paper once */
        int64_t paper_mask = self->masks[seq];
        if (self->numbers[seq] == numbers
                && shortest <= self->lengths[seq] && self->lengths[seq] <= longest
                && ((paper_mask & mask) != 0 || (paper_mask == 0 && mask == 0))
                && (year == NO_YEAR || self->years[seq] == NO_YEAR
                    || years_near(self->years[seq], year))) {
            PyObject *value = PyLong_FromLong(seq);
            if (value == NULL || PyList_Append(passed, value) < 0) {
                Py_XDECREF(value);
                Py_DECREF(passed);
                goto fail;
            }
            Py_DECREF(value);
        }
    }
    return Py_BuildValue("(NN)", passed, slots);
fail:
    Py_DECREF(slots);
    return NULL;
}

static int
grow_table(Table *self)
{
    Py_ssize_t old_capacity = self->capacity;
    int32_t *old = self->heads;
    int32_t *heads = empty_heads(old_capacity * 2);
    if (heads == NULL)
        return -1;
    self->heads = heads;
    self->capacity = old_capacity * 2;
    for (Py_ssize_t i = 0; i < old_capacity; i++) {
        if (old[i] != -1)
            self->heads[slot_of(self, self->entry_keys[old[i]])] = old[i];
    }
    PyMem_Free(old);
    return 0;
}

static PyObject *
Table_add(Table *self, PyObject *args)
{
    long long seq, year, numbers, mask, length;
    PyObject *keys, *slots;
    if (!PyArg_ParseTuple(args, "LO!O!LLLL:add", &seq, &PyList_Type, &keys, &PyList_Type,
                          &slots, &year, &numbers, &mask, &length))
        return NULL;
    if (self->heads == NULL) {
        PyErr_SetString(PyExc_ValueError, "the table was released");
        return NULL;
    }
    if (seq < INT32_MIN || seq > INT32_MAX || length < INT32_MIN || length > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "signed integer is greater than maximum");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(keys);
    if (PyList_GET_SIZE(slots) < count)
        count = PyList_GET_SIZE(slots);
    /* the keys and slots read first: an error leaves the table as it was */
    int64_t *given = PyMem_Malloc((size_t)(count ? count : 1) * (sizeof(int64_t) * 2));
    if (given == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t slot;
        if (int64_item(PyList_GET_ITEM(keys, i), &given[2 * i]) < 0
                || int64_item(PyList_GET_ITEM(slots, i), &slot) < 0)
            goto fail;
        if (slot < 0 || slot >= self->capacity) {
            PyErr_SetString(PyExc_IndexError, "array index out of range");
            goto fail;
        }
        given[2 * i + 1] = slot;
    }
    if (self->papers == self->papers_allocated) {
        Py_ssize_t more = grown(self->papers + 1);
        if (resize((void **)&self->years, more, sizeof(int64_t)) < 0
                || resize((void **)&self->numbers, more, sizeof(int64_t)) < 0
                || resize((void **)&self->masks, more, sizeof(int64_t)) < 0
                || resize((void **)&self->lengths, more, sizeof(int32_t)) < 0)
            goto fail;
        self->papers_allocated = more;
    }
    if (self->entries + count > self->entries_allocated) {
        Py_ssize_t more = grown(self->entries + count);
        if (resize((void **)&self->entry_keys, more, sizeof(int64_t)) < 0
                || resize((void **)&self->entry_seqs, more, sizeof(int32_t)) < 0
                || resize((void **)&self->entry_prevs, more, sizeof(int32_t)) < 0)
            goto fail;
        self->entries_allocated = more;
    }
    self->years[self->papers] = year;
    self->numbers[self->papers] = numbers;
    self->masks[self->papers] = mask;
    self->lengths[self->papers] = (int32_t)length;
    self->papers++;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t key = given[2 * i];
        Py_ssize_t slot = (Py_ssize_t)given[2 * i + 1];
        int32_t head = self->heads[slot];
        if (head == -1 || self->entry_keys[head] != key) {
            /* a new key: its empty slot may have gone to one of the keys before it */
            slot = slot_of(self, key);
            head = self->heads[slot];
            if (head == -1)
                self->taken++;
        }
        self->entry_keys[self->entries] = key;
        self->entry_seqs[self->entries] = (int32_t)seq;
        self->entry_prevs[self->entries] = head;
        self->heads[slot] = (int32_t)self->entries;
        self->entries++;
    }
    PyMem_Free(given);
    self->size = (long long)self->capacity * PER_SLOT + PENDING
        + ((long long)self->entries * PER_ENTRY + (long long)self->papers * PER_PAPER) * 17 / 16;
    if (3 * self->taken > 2 * self->capacity) {
        /* the old slots and the new ones are held together while the keys move */
        if (self->limit_value >= 0
                && self->size + 2 * (long long)self->capacity * PER_SLOT > self->limit_value) {
            self->full = 1;
        } else {
            if (grow_table(self) < 0)
                return NULL;
            self->size += (long long)(self->capacity / 2) * PER_SLOT;
        }
    }
    Py_RETURN_NONE;
fail:
    PyMem_Free(given);
    return NULL;
}

static PyObject *
Table_release(Table *self, PyObject *Py_UNUSED(ignored))
{
    release(self);
    Py_RETURN_NONE;
}

static Py_ssize_t
Table_len(Table *self)
{
    return self->papers;
}

static PyObject *
Table_get_full(Table *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(self->full);
}

static PyObject *
Table_get_size(Table *self, void *Py_UNUSED(closure))
{
    return PyLong_FromLongLong(self->size);
}

static PyObject *
Table_get_capacity(Table *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(self->capacity);
}

static PyObject *
Table_get_limit(Table *self, void *Py_UNUSED(closure))
{
    return Py_NewRef(self->limit ? self->limit : Py_None);
}

static PyMethodDef Table_methods[] = {
    {"candidates", (PyCFunction)Table_candidates, METH_VARARGS,
     "candidates(keys, numbers, year, mask, shortest, longest) -> (papers, slots)"},
    {"add", (PyCFunction)Table_add, METH_VARARGS,
     "add(seq, keys, slots, year, numbers, mask, length)"},
    {"release", (PyCFunction)Table_release, METH_NOARGS, "Let the arrays go."},
    {NULL}
};

static PyGetSetDef Table_getset[] = {
    {"full", (getter)Table_get_full, NULL, "whether the table would grow past its limit", NULL},
    {"size", (getter)Table_get_size, NULL, "the estimated bytes held", NULL},
    {"capacity", (getter)Table_get_capacity, NULL, "the slots", NULL},
    {"limit", (getter)Table_get_limit, NULL, "the limit in bytes, or None", NULL},
    {NULL}
};

static PySequenceMethods Table_as_sequence = {
    .sq_length = (lenfunc)Table_len,
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "arrow2bib._index.Table",
    .tp_doc = "The duplicate index's in-memory table (see arrow2bib.checks.duplicates._Table).",
    .tp_basicsize = sizeof(Table),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Table_init,
    .tp_dealloc = (destructor)Table_dealloc,
    .tp_methods = Table_methods,
    .tp_getset = Table_getset,
    .tp_as_sequence = &Table_as_sequence,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "arrow2bib._index",
    .m_doc = "The duplicate index's in-memory table in C (the compiled core).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__index(void)
{
    if (PyType_Ready(&TableType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&TableType);
    if (PyModule_AddObject(m, "Table", (PyObject *)&TableType) < 0) {
        Py_DECREF(&TableType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
