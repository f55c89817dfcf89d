/* The read-with-parameter helpers every Script has (script-builtins.ts):
 * arithmetic on JavaScript numbers (doubles), comparisons, booleans, sprintf,
 * strings, random numbers, byte order, files. Each writes its result to out
 * or returns -1 with the host's message in err. */
#ifndef CVM_DRIVER_SCRIPT_BUILTINS_H
#define CVM_DRIVER_SCRIPT_BUILTINS_H

#include "cvm.h"
#include "elements/io/io-text.h"
#include "elements/driver/script-text.h"
#include "elements/driver/script-numbers.h"
#include "elements/lib/click-numbers.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int sb_fail(CvmStr *err, const char *msg)
{
    cvm_str_printf(err, "%s", msg);
    return -1;
}

/* int(): parseInteger, or 0 for none. */
static inline int sb_int(const CvmStr *w, double *v)
{
    int64_t i;
    if (ct_parse_integer(w->s ? w->s : "", w->len, &i) < 0) return 0;
    *v = (double)i;
    return 1;
}

/* real(): /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/ after trimming, then Number(). */
static int sb_real_n(const char *text, size_t n, double *v)
{
    const char *s;
    ct_trim(text, n, &s, &n);
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, int_digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, frac_digits++;
    }
    if (!int_digits && !frac_digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t ed = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, ed++;
        if (!ed) return 0;
    }
    if (i != n) return 0;
    char buf[512];
    if (n >= sizeof buf) {
        char *big = malloc(n + 1);
        if (!big) return 0;
        memcpy(big, s, n);
        big[n] = 0;
        *v = strtod(big, NULL);
        free(big);
        return 1;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    *v = strtod(buf, NULL);
    return 1;
}

static inline int sb_real(const CvmStr *w, double *v) { return sb_real_n(w->s ? w->s : "", w->len, v); }

static int sb_bool_str(const CvmStr *w, int *b) { return ct_parse_bool(w->s ? w->s : "", w->len, b) == 0; }

static void sb_bool_out(CvmStr *out, int b) { cvm_str_printf(out, "%s", b ? "true" : "false"); }

enum { SB_ADD, SB_SUB, SB_MIN, SB_MAX, SB_MUL, SB_DIV, SB_IDIV };

static int sb_arithmetic(int op, const char *param, CvmStr *out, CvmStr *err)
{
    int use_double = op == SB_DIV || op == SB_IDIV;
    double acc = op == SB_ADD || op == SB_SUB ? 0 : 1;
    int first = 1;
    StWords w = { 0 };
    st_words(param, strlen(param), &w);
    for (unsigned k = 0; k < w.n; k++) {
        double v = 0;
        int ok = !use_double && sb_int(&w.w[k], &v);
        if (!ok) {
            use_double = 1;
            if (!sb_real(&w.w[k], &v)) {
                st_words_free(&w);
                return sb_fail(err, "expected list of numbers");
            }
        }
        if (first) acc = v;
        else if (op == SB_ADD) acc += v;
        else if (op == SB_SUB) acc -= v;
        else if (op == SB_MIN) acc = v < acc ? v : acc;
        else if (op == SB_MAX) acc = v > acc ? v : acc;
        else if (op == SB_MUL) acc *= v;
        else acc /= v;
        first = 0;
    }
    st_words_free(&w);
    if (op == SB_IDIV) sn_js_number(out, trunc(acc));
    else if (use_double) click_format_double(out, acc);
    else sn_js_number(out, acc);
    return 0;
}

static int sb_two_words(const char *param, StWords *w, CvmStr *err)
{
    st_words(param, strlen(param), w);
    if (w->n != 2) {
        st_words_free(w);
        return sb_fail(err, "expected two numbers");
    }
    return 0;
}

static int sb_modrem(int is_mod, const char *param, CvmStr *out, CvmStr *err)
{
    StWords w = { 0 };
    if (sb_two_words(param, &w, err) < 0) return -1;
    double a = 0, b = 0;
    int r = 0;
    if (sb_int(&w.w[0], &a) && sb_int(&w.w[1], &b)) {
        if (b == 0) r = sb_fail(err, "division by zero");
        else sn_js_number(out, fmod(a, b));
    } else if (is_mod || !sb_real(&w.w[0], &a) || !sb_real(&w.w[1], &b)) r = sb_fail(err, "expected two numbers");
    else click_format_double(out, fmod(a, b));
    st_words_free(&w);
    return r;
}

static int sb_negabs(int is_neg, const char *param, CvmStr *out, CvmStr *err)
{
    const char *s;
    size_t n;
    ct_trim(param, strlen(param), &s, &n);
    int64_t i;
    if (ct_parse_integer(s, n, &i) == 0) {
        double d = (double)i;
        sn_js_number(out, is_neg ? -d : fabs(d));
        return 0;
    }
    double d;
    if (!sb_real_n(s, n, &d)) return sb_fail(err, "expected one number");
    click_format_double(out, is_neg ? -d : fabs(d));
    return 0;
}

enum { SB_EQ, SB_NE, SB_LT, SB_GT, SB_LE, SB_GE };

static int sb_compare(int op, const char *param, CvmStr *out, CvmStr *err)
{
    StWords w = { 0 };
    if (sb_two_words(param, &w, err) < 0) return -1;
    double ai = 0, bi = 0, ad = 0, bd = 0;
    int c;
    int have_ai = sb_int(&w.w[0], &ai), have_bi = sb_int(&w.w[1], &bi);
    int have_ad = sb_real(&w.w[0], &ad), have_bd = sb_real(&w.w[1], &bd);
    if (have_ai && have_bi) c = ai - bi > 0 ? 1 : ai - bi < 0 ? -1 : 0;
    else if (have_ad && have_bd) c = ad - bd > 0 ? 1 : ad - bd < 0 ? -1 : 0;
    else {
        CvmStr x = { 0 }, y = { 0 };
        ct_unquote(w.w[0].s, w.w[0].len, &x);
        ct_unquote(w.w[1].s, w.w[1].len, &y);
        size_t m = x.len < y.len ? x.len : y.len;
        int d = m ? memcmp(x.s, y.s, m) : 0;
        c = d < 0 ? -1 : d > 0 ? 1 : x.len < y.len ? -1 : x.len > y.len ? 1 : 0;
        cvm_str_free(&x);
        cvm_str_free(&y);
    }
    st_words_free(&w);
    int r = op == SB_EQ ? c == 0 : op == SB_NE ? c != 0 : op == SB_LT ? c < 0 : op == SB_GT ? c > 0 : op == SB_LE ? c <= 0 : c >= 0;
    sb_bool_out(out, r);
    return 0;
}

enum { SB_AND, SB_OR, SB_NAND, SB_NOR };

static int sb_logic(int op, const char *param, CvmStr *out, CvmStr *err)
{
    int zero = op == SB_AND || op == SB_NAND;
    int value = zero;
    CvmStr rest = { 0 }, word = { 0 }, next = { 0 };
    cvm_str_append(&rest, param, strlen(param));
    int r = 0;
    for (;;) {
        const char *t;
        size_t tn;
        ct_trim(rest.s, rest.len, &t, &tn);
        if (value != zero || !tn) break;
        st_shift_word(rest.s, rest.len, &word, &next);
        int b;
        if (!sb_bool_str(&word, &b)) {
            r = sb_fail(err, "syntax error");
            break;
        }
        value = zero ? value && b : value || b;
        cvm_str_clear(&rest);
        cvm_str_append(&rest, next.s, next.len);
    }
    if (r == 0) sb_bool_out(out, op == SB_NAND || op == SB_NOR ? !value : value);
    cvm_str_free(&rest);
    cvm_str_free(&word);
    cvm_str_free(&next);
    return r;
}

/* pad() of sprintf: sign and digits to the width. */
static void sb_pad(CvmStr *out, const char *sign, const char *digits, size_t dn, long width, const char *flags, int zero_ok)
{
    size_t len = strlen(sign) + dn;
    if (width < 0 || len >= (size_t)width) {
        cvm_str_printf(out, "%s", sign);
        cvm_str_append(out, digits, dn);
        return;
    }
    size_t fill = (size_t)width - len;
    if (strchr(flags, '-')) {
        cvm_str_printf(out, "%s", sign);
        cvm_str_append(out, digits, dn);
        for (size_t i = 0; i < fill; i++) cvm_str_append(out, " ", 1);
    } else if (strchr(flags, '0') && zero_ok) {
        cvm_str_printf(out, "%s", sign);
        for (size_t i = 0; i < fill; i++) cvm_str_append(out, "0", 1);
        cvm_str_append(out, digits, dn);
    } else {
        for (size_t i = 0; i < fill; i++) cvm_str_append(out, " ", 1);
        cvm_str_printf(out, "%s", sign);
        cvm_str_append(out, digits, dn);
    }
}

/* Click's sprintf handler: a format word and its arguments. */
static int sb_sprintf(const char *param, CvmStr *out, CvmStr *err)
{
    CvmStr fmt_word = { 0 }, rest = { 0 }, format = { 0 }, word = { 0 }, next_rest = { 0 }, body = { 0 }, digits = { 0 };
    st_shift_word(param, strlen(param), &fmt_word, &rest);
    ct_unquote(fmt_word.s, fmt_word.len, &format);
    const char *f = format.s ? format.s : "";
    size_t fn = format.len, i = 0;
    int r = 0;
#define SB_NEXT()                                                        \
    do {                                                                 \
        st_shift_word(rest.s ? rest.s : "", rest.len, &word, &next_rest); \
        cvm_str_clear(&rest);                                            \
        cvm_str_append(&rest, next_rest.s, next_rest.len);               \
    } while (0)
    while (i < fn) {
        const char *pct = memchr(f + i, '%', fn - i);
        if (!pct) break;
        size_t p = (size_t)(pct - f);
        cvm_str_append(out, f + i, p - i);
        size_t j = p + 1;
        char flags[64];
        size_t nf = 0;
        while (j < fn && strchr("0#- +", f[j]) && f[j]) {
            if (nf + 1 < sizeof flags) flags[nf++] = f[j];
            j++;
        }
        flags[nf] = 0;
        long width = -1;
        if (j < fn && f[j] == '*') {
            SB_NEXT();
            double w = 0;
            if (!sb_int(&word, &w)) {
                r = sb_fail(err, "syntax error");
                break;
            }
            width = (long)w;
            j++;
        } else {
            long wv = 0;
            int any = 0;
            while (j < fn && f[j] >= '0' && f[j] <= '9') {
                if (wv < 100000000) wv = wv * 10 + (f[j] - '0');
                any = 1;
                j++;
            }
            width = any ? wv : -1;
        }
        long precision = -1;
        if (j < fn && f[j] == '.') {
            j++;
            if (j < fn && f[j] == '*') {
                SB_NEXT();
                double pv = 0;
                if (!sb_int(&word, &pv) || pv < 0) {
                    r = sb_fail(err, "syntax error");
                    break;
                }
                precision = (long)pv;
                j++;
            } else {
                long pv = 0;
                while (j < fn && f[j] >= '0' && f[j] <= '9') {
                    if (pv < 100000000) pv = pv * 10 + (f[j] - '0');
                    j++;
                }
                precision = pv;
            }
        }
        char size[16];
        size_t ns = 0;
        while (j < fn && f[j] && strchr("hlLq", f[j])) {
            if (ns + 1 < sizeof size) size[ns++] = f[j];
            j++;
        }
        size[ns] = 0;
        char conv = j < fn ? f[j] : 0;
        cvm_str_clear(&body);
        cvm_str_append(&body, "", 0);
        if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'o' || conv == 'x' || conv == 'X') {
            SB_NEXT();
            double v = 0;
            if (!sb_int(&word, &v)) {
                r = sb_fail(err, "syntax error");
                break;
            }
            int is_signed = conv == 'd' || conv == 'i';
            if (!strcmp(size, "h")) {
                /* JavaScript's 32-bit bit operations first */
                int32_t v32 = (int32_t)(uint32_t)(uint64_t)(int64_t)v;
                v = is_signed ? (double)(int16_t)(uint16_t)v32 : (double)(v32 & 0xffff);
            }
            int neg = is_signed && v < 0;
            double mag = is_signed ? fabs(v) : v < 0 ? (double)(uint64_t)(int64_t)v : v;
            cvm_str_clear(&digits);
            sn_js_integer_radix(&digits, mag, conv == 'o' ? 8 : conv == 'x' || conv == 'X' ? 16 : 10, conv == 'X');
            if (precision >= 0 && digits.len < (size_t)precision) {
                CvmStr padded = { 0 };
                for (size_t k = digits.len; k < (size_t)precision; k++) cvm_str_append(&padded, "0", 1);
                cvm_str_append(&padded, digits.s, digits.len);
                cvm_str_free(&digits);
                digits = padded;
            }
            if (strchr(flags, '#') && mag != 0) {
                const char *prefix = conv == 'o' ? "0" : conv == 'x' ? "0x" : conv == 'X' ? "0X" : "";
                CvmStr pre = { 0 };
                cvm_str_printf(&pre, "%s", prefix);
                cvm_str_append(&pre, digits.s, digits.len);
                cvm_str_free(&digits);
                digits = pre;
            }
            const char *sign = neg ? "-" : strchr(flags, '+') && is_signed ? "+" : strchr(flags, ' ') && is_signed ? " " : "";
            sb_pad(&body, sign, digits.s ? digits.s : "", digits.len, width, flags, precision < 0);
        } else if (conv == 's') {
            SB_NEXT();
            CvmStr s = { 0 };
            ct_unquote(word.s, word.len, &s);
            size_t sl = s.len;
            if (precision >= 0 && (size_t)precision < sl) sl = (size_t)precision;
            char nozero[64];
            size_t k = 0;
            for (const char *q = flags; *q; q++)
                if (*q != '0' || (q > flags && strchr(flags, '0') != q)) nozero[k++] = *q;
            nozero[k] = 0;
            sb_pad(&body, "", s.s ? s.s : "", sl, width, nozero, 0);
            cvm_str_free(&s);
        } else if (conv == '%') {
            cvm_str_append(&body, "%", 1);
        } else {
            r = sb_fail(err, "syntax error");
            break;
        }
        cvm_str_append(out, body.s, body.len);
        i = j + 1;
    }
#undef SB_NEXT
    if (r == 0) {
        const char *t;
        size_t tn;
        ct_trim(rest.s ? rest.s : "", rest.len, &t, &tn);
        if (tn) r = sb_fail(err, "syntax error");
        else if (i < fn) cvm_str_append(out, f + i, fn - i);
    }
    cvm_str_free(&fmt_word);
    cvm_str_free(&rest);
    cvm_str_free(&format);
    cvm_str_free(&word);
    cvm_str_free(&next_rest);
    cvm_str_free(&body);
    cvm_str_free(&digits);
    return r;
}

static int sb_byte_order(int bits, const char *param, CvmStr *out, CvmStr *err)
{
    const char *s;
    size_t n;
    ct_trim(param, strlen(param), &s, &n);
    int64_t v;
    if (ct_parse_integer(s, n, &v) < 0) return sb_fail(err, "syntax error");
    uint32_t x = (uint32_t)(uint64_t)v;
    if (bits == 16) {
        int32_t i = (int32_t)x;
        cvm_str_printf(out, "%d", (int)(((i & 0xff) << 8) | ((i >> 8) & 0xff)));
    } else {
        cvm_str_printf(out, "%u", (x & 0xff) << 24 | (x & 0xff00) << 8 | (x >> 8 & 0xff00) | x >> 24);
    }
    return 0;
}

/* A whole file (cat/catq), or -1 with `NAME: strerror` in err. */
static int sb_read_file(const char *name, size_t n, CvmStr *out, CvmStr *err)
{
    CvmStr path = { 0 };
    cvm_str_append(&path, name, n);
    cvm_str_append(&path, "", 0);
    int fd = open(io_path(path.s), O_RDONLY);
    if (fd < 0) {
        cvm_str_printf(err, "%s: %s", path.s, io_file_error(errno));
        cvm_str_free(&path);
        return -1;
    }
    char buf[8192];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            cvm_str_clear(out);
            cvm_str_printf(err, "%s: %s", path.s, io_file_error(errno));
            close(fd);
            cvm_str_free(&path);
            return -1;
        }
        if (r == 0) break;
        cvm_str_append(out, buf, (size_t)r);
    }
    close(fd);
    cvm_str_free(&path);
    return 0;
}

static const char *const sb_names[] = {
    "add", "sub", "min", "max", "mul", "div", "idiv", "mod", "rem", "neg", "abs", "eq", "ne", "lt", "gt", "le", "ge",
    "not", "and", "or", "nand", "nor", "if", "in", "first", "length", "unquote", "sprintf", "now", "random", "htons",
    "ntohs", "htonl", "ntohl", "cat", "catq",
};

static int sb_is_builtin(const char *name)
{
    for (unsigned i = 0; i < sizeof sb_names / sizeof *sb_names; i++)
        if (!strcmp(sb_names[i], name)) return 1;
    return 0;
}

/* Call builtin `name` with `param`: 0 with the result appended to out, -1
 * with the message in err, -2 if there is no such builtin. */
static int sb_call(const char *name, const char *param, CvmStr *out, CvmStr *err)
{
    static const char *const arith[] = { "add", "sub", "min", "max", "mul", "div", "idiv" };
    for (int k = 0; k < 7; k++)
        if (!strcmp(name, arith[k])) return sb_arithmetic(k, param, out, err);
    if (!strcmp(name, "mod")) return sb_modrem(1, param, out, err);
    if (!strcmp(name, "rem")) return sb_modrem(0, param, out, err);
    if (!strcmp(name, "neg")) return sb_negabs(1, param, out, err);
    if (!strcmp(name, "abs")) return sb_negabs(0, param, out, err);
    static const char *const cmp[] = { "eq", "ne", "lt", "gt", "le", "ge" };
    for (int k = 0; k < 6; k++)
        if (!strcmp(name, cmp[k])) return sb_compare(k, param, out, err);
    static const char *const logic[] = { "and", "or", "nand", "nor" };
    for (int k = 0; k < 4; k++)
        if (!strcmp(name, logic[k])) return sb_logic(k, param, out, err);
    if (!strcmp(name, "not")) {
        int b;
        if (ct_parse_bool(param, strlen(param), &b) < 0) return sb_fail(err, "syntax error");
        sb_bool_out(out, !b);
        return 0;
    }
    if (!strcmp(name, "if")) {
        CvmStr c = { 0 }, rest = { 0 }, yes = { 0 }, rest2 = { 0 }, no = { 0 };
        st_shift_word(param, strlen(param), &c, &rest);
        int b, r = 0;
        if (!sb_bool_str(&c, &b)) r = sb_fail(err, "syntax error");
        else {
            st_shift_word(rest.s, rest.len, &yes, &rest2);
            if (b) cvm_str_append(out, yes.s, yes.len);
            else {
                st_shift_word(rest2.s, rest2.len, &no, NULL);
                cvm_str_append(out, no.s, no.len);
            }
        }
        cvm_str_free(&c);
        cvm_str_free(&rest);
        cvm_str_free(&yes);
        cvm_str_free(&rest2);
        cvm_str_free(&no);
        return r;
    }
    if (!strcmp(name, "in")) {
        CvmStr first = { 0 }, rest = { 0 }, w = { 0 }, x = { 0 };
        st_shift_word(param, strlen(param), &first, &rest);
        ct_unquote(first.s, first.len, &w);
        int found = 0;
        if (w.len) {
            StWords l = { 0 };
            st_words(rest.s, rest.len, &l);
            for (unsigned k = 0; k < l.n && !found; k++) {
                ct_unquote(l.w[k].s, l.w[k].len, &x);
                found = x.len == w.len && !memcmp(x.s, w.s, w.len);
            }
            st_words_free(&l);
        }
        sb_bool_out(out, found);
        cvm_str_free(&first);
        cvm_str_free(&rest);
        cvm_str_free(&w);
        cvm_str_free(&x);
        return 0;
    }
    if (!strcmp(name, "first")) {
        CvmStr w = { 0 };
        st_shift_word(param, strlen(param), &w, NULL);
        cvm_str_append(out, w.s, w.len);
        cvm_str_free(&w);
        return 0;
    }
    if (!strcmp(name, "length")) {
        cvm_str_printf(out, "%zu", strlen(param));
        return 0;
    }
    if (!strcmp(name, "unquote")) {
        ct_unquote_append(param, strlen(param), out);
        return 0;
    }
    if (!strcmp(name, "sprintf")) return sb_sprintf(param, out, err);
    if (!strcmp(name, "now")) {
        io_format_timestamp_ns(out, cvm_now());
        return 0;
    }
    if (!strcmp(name, "random")) {
        StWords w = { 0 };
        st_words(param, strlen(param), &w);
        int r = 0;
        if (w.n == 0) cvm_str_printf(out, "%u", cvm_random32());
        else {
            double n1 = 0, n2 = 0;
            int have1 = sb_int(&w.w[0], &n1), have2 = w.n > 1 && sb_int(&w.w[1], &n2);
            if (!have1 || n1 < 0 || w.n > 2 || (w.n == 2 && !have2)) r = sb_fail(err, "bad N");
            else if (have2) {
                if (n2 < n1) r = sb_fail(err, "bad N");
                else sn_js_number(out, n1 + fmod((double)cvm_random32(), n2 - n1 + 1));
            } else if (n1 == 0) r = sb_fail(err, "bad N");
            else sn_js_number(out, fmod((double)cvm_random32(), n1));
        }
        st_words_free(&w);
        return r;
    }
    if (!strcmp(name, "htons") || !strcmp(name, "ntohs")) return sb_byte_order(16, param, out, err);
    if (!strcmp(name, "htonl") || !strcmp(name, "ntohl")) return sb_byte_order(32, param, out, err);
    if (!strcmp(name, "cat") || !strcmp(name, "catq")) {
        const char *s;
        size_t n;
        ct_trim(param, strlen(param), &s, &n);
        CvmStr file = { 0 }, text = { 0 };
        ct_unquote(s, n, &file);
        int r = sb_read_file(file.s ? file.s : "", file.len, &text, err);
        if (r == 0) {
            if (name[3] == 'q') st_quote_append(text.s ? text.s : "", text.len, out);
            else cvm_str_append(out, text.s ? text.s : "", text.len);
        }
        cvm_str_free(&file);
        cvm_str_free(&text);
        return r;
    }
    return -2;
}

#endif
