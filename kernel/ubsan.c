/*
 * kernel/ubsan.c - the handlers GCC's -fsanitize=undefined calls (see
 * ubsan.h).  Only the checked kernel has this file, and it is compiled
 * without -fsanitize: a check in a handler would call the handler.
 *
 * GCC passes a pointer to static data describing the check (its source
 * location and the types involved) and the operands as "value handles":
 * an integer of up to 64 bits is passed in the handle itself, a wider one
 * by address.  The structures below follow GCC's (and Linux's lib/ubsan.h).
 */
#include "kernel/ubsan.h"
#include "kernel/ksyms.h"
#include <vmos/printk.h>
#include <vmos/format.h>
#include <vmos/string.h>

struct source_location {
	const char *file;
	u32 line;
	u32 column;
};

#define TYPE_KIND_INT 0
struct type_descriptor {
	u16 kind;     /* TYPE_KIND_INT, 1 for floating point, 0xffff unknown */
	u16 info;     /* integers: bit 0 signed, bits 1..: log2(bit width) */
	char name[];  /* as written in the source: "int", "struct page" */
};

struct overflow_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct type_mismatch_data_v1 {
	struct source_location loc;
	const struct type_descriptor *type;
	u8 log_alignment;
	u8 type_check_kind; /* an index into type_check_kinds */
};

struct shift_out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *lhs_type, *rhs_type;
};

struct out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *array_type, *index_type;
};

struct invalid_value_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct unreachable_data {
	struct source_location loc;
};

struct vla_bound_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct nonnull_arg_data {
	struct source_location loc;
	struct source_location attr_loc;
	int arg_index; /* counted from 1 */
};

struct nonnull_return_data {
	struct source_location attr_loc;
};

struct pointer_overflow_data {
	struct source_location loc;
};

struct invalid_builtin_data {
	struct source_location loc;
	u8 kind; /* 0: ctz, 1: clz */
};

static const char *const type_check_kinds[] = {
	"load of", "store to", "reference binding to", "member access within",
	"member call on", "constructor call on", "downcast of", "downcast of",
	"upcast of", "cast to virtual base of", "_Nonnull binding to",
	"dynamic operation on",
};

#define VALUE_BUF 48
#define MAX_REMEMBERED 256

/*
 * The locations reported so far.  A location is its file, line and
 * column, not its data: when the compiler copies code (unrolling a loop,
 * inlining a function twice) it may copy the check's data too.
 */
struct reported {
	const char *file;
	u32 line, column;
	const char *kind;
};
static struct reported remembered[MAX_REMEMBERED];
static unsigned nr_reports;
static bool in_report;

static bool same_file(const char *a, const char *b)
{
	return a == b || !strcmp(a, b);
}

static bool seen_before(const struct source_location *loc)
{
	for (unsigned i = 0; i < MIN(nr_reports, MAX_REMEMBERED); i++)
		if (remembered[i].line == loc->line &&
		    remembered[i].column == loc->column &&
		    same_file(remembered[i].file, loc->file))
			return true;
	return false;
}

/*
 * report - print a report for loc, unless loc was reported before or a
 * report is being printed (printk and the formatting code are checked
 * too: UB in them must not recurse).  ret is the handler's return address,
 * in the function where the check failed.  Once MAX_REMEMBERED locations
 * were reported, a location may be reported more than once.
 */
__printf(4, 5) static void report(struct source_location *loc,
				   const char *kind, void *ret,
				   const char *fmt, ...)
{
	char where[KSYM_NAME_BUF], detail[192];
	va_list ap;

	if (in_report)
		return;
	in_report = true;
	if (seen_before(loc)) {
		in_report = false;
		return;
	}
	if (nr_reports < MAX_REMEMBERED)
		remembered[nr_reports] = (struct reported){ loc->file, loc->line,
							    loc->column, kind };
	nr_reports++;
	va_start(ap, fmt);
	kvsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ksym_format_return((u64)ret, where, sizeof(where));
	printk(KERN_ERR "UBSAN: %s in %s:%u:%u (%s)\n", kind, loc->file,
	       loc->line, loc->column, where);
	printk(KERN_ERR "UBSAN:   %s\n", detail);
	in_report = false;
}

unsigned ubsan_report_count(void)
{
	return nr_reports;
}

bool ubsan_was_reported(const char *kind, const char *file, u32 line)
{
	for (unsigned i = 0; i < MIN(nr_reports, MAX_REMEMBERED); i++)
		if (remembered[i].line == line && !strcmp(remembered[i].kind, kind) &&
		    same_file(remembered[i].file, file))
			return true;
	return false;
}

static bool type_is_int(const struct type_descriptor *t)
{
	return t->kind == TYPE_KIND_INT;
}

static bool type_is_signed(const struct type_descriptor *t)
{
	return type_is_int(t) && (t->info & 1);
}

static unsigned type_bits(const struct type_descriptor *t)
{
	return 1u << (t->info >> 1);
}

/* The value of an integer of at most 64 bits, sign-extended if signed. */
static s64 value_signed(const struct type_descriptor *t, void *val)
{
	unsigned shift = 64 - type_bits(t);

	return (s64)((u64)(uintptr_t)val << shift) >> shift;
}

static bool value_is_negative(const struct type_descriptor *t, void *val)
{
	return type_is_signed(t) && type_bits(t) <= 64 && value_signed(t, val) < 0;
}

/* The operand val of type t, as text in buf. */
static const char *value_format(char *buf, const struct type_descriptor *t,
				void *val)
{
	if (!type_is_int(t)) {
		ksnprintf(buf, VALUE_BUF, "(a value of type %s)", t->name);
	} else if (type_bits(t) > 64) { /* passed by address: 128 bits */
		const u64 *v = val;

		ksnprintf(buf, VALUE_BUF, "0x%016lx%016lx", v[1], v[0]);
	} else if (type_is_signed(t)) {
		ksnprintf(buf, VALUE_BUF, "%ld", value_signed(t, val));
	} else {
		u64 v = (u64)(uintptr_t)val;

		if (type_bits(t) < 64)
			v &= (1ull << type_bits(t)) - 1;
		ksnprintf(buf, VALUE_BUF, "%lu", v);
	}
	return buf;
}

static void handle_overflow(struct overflow_data *data, void *lhs, void *rhs,
			    char op, void *ret)
{
	char a[VALUE_BUF], b[VALUE_BUF];

	report(&data->loc, type_is_signed(data->type) ? "signed-integer-overflow"
						      : "unsigned-integer-overflow",
	       ret, "%s %c %s cannot be represented in type %s",
	       value_format(a, data->type, lhs), op,
	       value_format(b, data->type, rhs), data->type->name);
}

void __ubsan_handle_add_overflow(struct overflow_data *data, void *lhs, void *rhs)
{
	handle_overflow(data, lhs, rhs, '+', __builtin_return_address(0));
}

void __ubsan_handle_sub_overflow(struct overflow_data *data, void *lhs, void *rhs)
{
	handle_overflow(data, lhs, rhs, '-', __builtin_return_address(0));
}

void __ubsan_handle_mul_overflow(struct overflow_data *data, void *lhs, void *rhs)
{
	handle_overflow(data, lhs, rhs, '*', __builtin_return_address(0));
}

void __ubsan_handle_negate_overflow(struct overflow_data *data, void *old)
{
	char a[VALUE_BUF];

	report(&data->loc, "signed-integer-overflow", __builtin_return_address(0),
	       "negation of %s cannot be represented in type %s",
	       value_format(a, data->type, old), data->type->name);
}

/* Division by zero, or INT_MIN / -1.  The division runs after the report
 * and raises #DE (divide error), so this report is the last but one
 * message. */
void __ubsan_handle_divrem_overflow(struct overflow_data *data, void *lhs,
				    void *rhs)
{
	char a[VALUE_BUF];

	if (type_is_int(data->type) && type_bits(data->type) <= 64 &&
	    (uintptr_t)rhs == 0)
		report(&data->loc, "integer-divide-by-zero",
		       __builtin_return_address(0), "division of %s by zero",
		       value_format(a, data->type, lhs));
	else
		report(&data->loc, "signed-integer-overflow",
		       __builtin_return_address(0),
		       "division of %s by -1 cannot be represented in type %s",
		       value_format(a, data->type, lhs), data->type->name);
}

void __ubsan_handle_shift_out_of_bounds(struct shift_out_of_bounds_data *data,
					void *lhs, void *rhs)
{
	const struct type_descriptor *lt = data->lhs_type, *rt = data->rhs_type;
	char a[VALUE_BUF], b[VALUE_BUF];
	void *ret = __builtin_return_address(0);

	value_format(a, lt, lhs);
	value_format(b, rt, rhs);
	if (value_is_negative(rt, rhs))
		report(&data->loc, "shift-out-of-bounds", ret,
		       "shift exponent %s is negative", b);
	else if (type_bits(rt) > 64 || (u64)(uintptr_t)rhs >= type_bits(lt))
		report(&data->loc, "shift-out-of-bounds", ret,
		       "shift exponent %s is too large for %u-bit type %s", b,
		       type_bits(lt), lt->name);
	else if (value_is_negative(lt, lhs))
		report(&data->loc, "shift-out-of-bounds", ret,
		       "left shift of negative value %s", a);
	else
		report(&data->loc, "shift-out-of-bounds", ret,
		       "left shift of %s by %s places cannot be represented in "
		       "type %s", a, b, lt->name);
}

void __ubsan_handle_out_of_bounds(struct out_of_bounds_data *data, void *index)
{
	char a[VALUE_BUF];

	report(&data->loc, "array-index-out-of-bounds", __builtin_return_address(0),
	       "index %s is out of range for type %s",
	       value_format(a, data->index_type, index), data->array_type->name);
}

void __ubsan_handle_type_mismatch_v1(struct type_mismatch_data_v1 *data,
				     void *ptr)
{
	u64 align = 1ull << data->log_alignment, p = (u64)(uintptr_t)ptr;
	const char *what = data->type_check_kind < ARRAY_SIZE(type_check_kinds)
				   ? type_check_kinds[data->type_check_kind]
				   : "access to";
	void *ret = __builtin_return_address(0);

	if (!p)
		report(&data->loc, "null-pointer-dereference", ret,
		       "%s NULL pointer of type %s", what, data->type->name);
	else if (data->log_alignment && !IS_ALIGNED(p, align))
		report(&data->loc, "misaligned-access", ret,
		       "%s misaligned address 0x%lx for type %s, which "
		       "requires %lu-byte alignment", what, p, data->type->name,
		       align);
	else
		report(&data->loc, "object-size-mismatch", ret,
		       "%s address 0x%lx with too little space for an object "
		       "of type %s", what, p, data->type->name);
}

void __ubsan_handle_load_invalid_value(struct invalid_value_data *data,
				       void *val)
{
	char a[VALUE_BUF];

	report(&data->loc, "invalid-load", __builtin_return_address(0),
	       "load of value %s, which is not a valid value for type %s",
	       value_format(a, data->type, val), data->type->name);
}

void __ubsan_handle_vla_bound_not_positive(struct vla_bound_data *data,
					   void *bound)
{
	char a[VALUE_BUF];

	report(&data->loc, "vla-bound-not-positive", __builtin_return_address(0),
	       "variable length array bound evaluates to non-positive value %s",
	       value_format(a, data->type, bound));
}

void __ubsan_handle_nonnull_arg(struct nonnull_arg_data *data)
{
	report(&data->loc, "nonnull-attribute", __builtin_return_address(0),
	       "NULL passed as argument %d, which is declared never to be "
	       "NULL (%s:%u)", data->arg_index, data->attr_loc.file,
	       data->attr_loc.line);
}

void __ubsan_handle_nonnull_return_v1(struct nonnull_return_data *data,
				      struct source_location *loc)
{
	report(loc, "returns-nonnull-attribute", __builtin_return_address(0),
	       "NULL returned from a function declared never to return NULL "
	       "(%s:%u)", data->attr_loc.file, data->attr_loc.line);
}

void __ubsan_handle_pointer_overflow(struct pointer_overflow_data *data,
				     void *base, void *result)
{
	report(&data->loc, "pointer-overflow", __builtin_return_address(0),
	       "pointer arithmetic on 0x%lx wrapped around to 0x%lx",
	       (u64)(uintptr_t)base, (u64)(uintptr_t)result);
}

void __ubsan_handle_invalid_builtin(struct invalid_builtin_data *data)
{
	report(&data->loc, "invalid-builtin-use", __builtin_return_address(0),
	       "passing zero to %s, which is not a valid argument",
	       data->kind == 0 ? "__builtin_ctz()" : "__builtin_clz()");
}

/* The compiler assumed this point cannot be reached and emitted nothing
 * after it: there is no code to return to. */
__noreturn void __ubsan_handle_builtin_unreachable(struct unreachable_data *data)
{
	report(&data->loc, "unreachable", __builtin_return_address(0),
	       "execution reached __builtin_unreachable()");
	panic("UBSAN: execution reached __builtin_unreachable() at %s:%u",
	      data->loc.file, data->loc.line);
}
