/*
 * lib/format.c - the formatter behind printk and every text the kernel makes.
 */
#include <vmos/format.h>

#define FIELD_MAX 65536 /* the largest width or precision */

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, stored or not */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left;    /* '-' */
	bool zero;    /* '0' */
	int width;
	int precision; /* -1: none */
};

/* Emit a string with the field width of spec (and its precision, if any). */
static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	/* Check the precision first: the array need not go beyond it. */
	while ((sp->precision < 0 || len < sp->precision) && s[len])
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* Emit an unsigned number in base 8, 10 or 16 with an optional '-' sign. */
static void put_num(struct out *o, u64 v, unsigned base, bool upper,
		    bool negative, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);

	int len = n + (negative ? 1 : 0);
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - len);
	if (negative)
		put(o, '-');
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - len);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/*
 * A width or precision at *f: digits, or '*' for the next int argument.
 * Capped at +-FIELD_MAX: a larger one is a bug in the format and must
 * neither overflow an int nor pad for seconds.
 */
static int parse_field(const char **f, va_list *ap)
{
	int n = 0;

	if (**f == '*') {
		(*f)++;
		n = va_arg(*ap, int);
		return n < -FIELD_MAX ? -FIELD_MAX : MIN(n, FIELD_MAX);
	}
	for (; **f >= '0' && **f <= '9'; (*f)++)
		n = MIN(n * 10 + (**f - '0'), FIELD_MAX);
	return n;
}

/* Parse flags, width and precision at *fmt; advances *fmt past them. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	const char *f = *fmt;

	sp->left = sp->zero = false;
	sp->precision = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	sp->width = parse_field(&f, ap);
	if (sp->width < 0) { /* a negative '*' width means '-' */
		sp->left = true;
		sp->width = -sp->width;
	}
	if (*f == '.') {
		f++;
		sp->precision = parse_field(&f, ap); /* negative: none */
	}
	*fmt = f;
}

/* Count h/l/z modifiers: returns the argument size in bytes (1, 2, 4, 8). */
static int parse_length(const char **fmt)
{
	const char *f = *fmt;
	int size = 4;

	if (f[0] == 'h' && f[1] == 'h')
		size = 1, f += 2;
	else if (f[0] == 'h')
		size = 2, f++;
	else if (f[0] == 'l' && f[1] == 'l')
		size = 8, f += 2;
	else if (f[0] == 'l' || f[0] == 'z')
		size = 8, f++;
	*fmt = f;
	return size;
}

static u64 arg_unsigned(va_list *ap, int size)
{
	u64 v = size == 8 ? va_arg(*ap, u64) : va_arg(*ap, unsigned int);

	if (size == 2)
		v = (u16)v;
	else if (size == 1)
		v = (u8)v;
	return v;
}

static s64 arg_signed(va_list *ap, int size)
{
	s64 v = size == 8 ? va_arg(*ap, s64) : va_arg(*ap, int);

	if (size == 2)
		v = (s16)v;
	else if (size == 1)
		v = (s8)v;
	return v;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;

	va_copy(ap, ap_in);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &ap, &sp);
		int argsize = parse_length(&fmt);
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = arg_signed(&ap, argsize);
			put_num(&o, v < 0 ? -(u64)v : (u64)v, 10, false, v < 0,
				&sp);
			break;
		}
		case 'u':
			put_num(&o, arg_unsigned(&ap, argsize), 10, false, false,
				&sp);
			break;
		case 'x':
		case 'X':
			put_num(&o, arg_unsigned(&ap, argsize), 16, *fmt == 'X',
				false, &sp);
			break;
		case 'o':
			put_num(&o, arg_unsigned(&ap, argsize), 8, false, false,
				&sp);
			break;
		case 'p': {
			struct spec hex = { false, true, 16, -1 };
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (u64)(uintptr_t)va_arg(ap, void *), 16, false,
				false, &hex);
			break;
		}
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			put_str(&o, c, &sp);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop at the NUL */
			break;
		default: /* unknown conversion: print it as written */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
