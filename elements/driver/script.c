/* Script and DriverManager: Click's scripting language, executed step for
 * step as the host engine's ScriptElement (script.ts) does. The instructions
 * were parsed in TypeScript at compile time (script-insns.ts) into a
 * constant table; here they only run: `$` expansion, handler calls (this
 * script's own, another Script's, or any element's through the router, with
 * the host's messages), the builtins, waits on a timer, jumps, and the
 * driver's stop requests (DRIVER scripts step once per request). */
#include "cvm.h"
#include "router.h"
#include "elements/io/io-text.h"
#include "elements/driver/handler-call.h"
#include "elements/driver/script-text.h"
#include "elements/driver/script-builtins.h"
#include <unistd.h>

#define SCRIPT_MAX_JUMPS 1000
#define SCRIPT_WRITE_FAILED (-22)   /* Click's -EINVAL, the `$?` of a failed write */

/* Instruction codes, in the order of script-insns.ts's Op (see script.ts's native entry). */
enum {
    SCRIPT_INITIAL, SCRIPT_WAIT_STEP, SCRIPT_WAIT_TIME, SCRIPT_PRINT, SCRIPT_PRINTN, SCRIPT_PRINTQ, SCRIPT_PRINTNQ,
    SCRIPT_SAVE, SCRIPT_APPEND, SCRIPT_READ, SCRIPT_READQ, SCRIPT_WRITE, SCRIPT_WRITEQ, SCRIPT_SET, SCRIPT_SETQ,
    SCRIPT_INIT, SCRIPT_INITQ, SCRIPT_EXPORT, SCRIPT_EXPORTQ, SCRIPT_STOP, SCRIPT_END, SCRIPT_EXIT, SCRIPT_LABEL,
    SCRIPT_GOTO, SCRIPT_RETURN, SCRIPT_RETURNQ, SCRIPT_ERROR, SCRIPT_ERRORQ,
};
enum { SCRIPT_ACTIVE, SCRIPT_PASSIVE, SCRIPT_DRIVER, SCRIPT_PROXY, SCRIPT_PACKET };
enum { SCRIPT_STEP_NORMAL, SCRIPT_STEP_ROUTER, SCRIPT_STEP_TIMER, SCRIPT_STEP_JUMP };
enum { SCRIPT_FINISH_NONE, SCRIPT_FINISH_STOP, SCRIPT_FINISH_END, SCRIPT_FINISH_EXIT, SCRIPT_FINISH_ERROR };
#define SCRIPT_GOTO_END (-1)
#define SCRIPT_GOTO_EXIT (-2)
#define SCRIPT_GOTO_STOP (-3)
#define SCRIPT_GOTO_ERROR (-4)

typedef struct ScriptInsn {
    uint8_t op;
    int32_t arg;
    const char *text;
} ScriptInsn;

struct script {
    CvmElement base;
    CvmTimer timer;
    /* configuration */
    const ScriptInsn *insns;
    unsigned ninsns;
    const char *const *init_vars;
    unsigned ninit_vars;
    uint8_t type;
    unsigned noutputs;
    /* state */
    int64_t *waited;             /* steps taken by each wait_step instruction */
    char **var_names;
    CvmStr *values;
    unsigned nvars, vars_cap;
    unsigned pos;
    int64_t step_count, queued_steps;
    uint8_t initial_pending, stepping, run_is_write, last_finish;
    int write_status;
    CvmStr run_args, run_name, partial_line;
};

/* --- variables ------------------------------------------------------------ */

static int script_variable(const struct script *e, const char *name)
{
    for (unsigned i = 0; i < e->nvars; i++)
        if (!strcmp(e->var_names[i], name)) return (int)i;
    return -1;
}

static int script_add_variable(struct script *e, const char *name)
{
    if (e->nvars == e->vars_cap) {
        unsigned cap = e->vars_cap ? e->vars_cap * 2 : 8;
        char **names = realloc(e->var_names, cap * sizeof *names);
        if (!names) return -1;
        e->var_names = names;
        CvmStr *values = realloc(e->values, cap * sizeof *values);
        if (!values) return -1;
        e->values = values;
        e->vars_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    e->var_names[e->nvars] = copy;
    e->values[e->nvars] = (CvmStr){ 0 };
    cvm_str_append(&e->values[e->nvars], "", 0);
    return (int)e->nvars++;
}

static void script_set_value(CvmStr *v, const char *s, size_t n)
{
    cvm_str_clear(v);
    cvm_str_append(v, s, n);
}

static void script_set_var(struct script *e, const char *name, const char *value, size_t n)
{
    if (!strcmp(name, "args")) return script_set_value(&e->run_args, value, n);
    int i = script_variable(e, name);
    if (i < 0) i = script_add_variable(e, name);
    if (i >= 0) script_set_value(&e->values[i], value, n);
}

/* getVar: 0 with the value appended, -1 with the message. */
static int script_get_var(struct script *e, const char *name, CvmStr *out, CvmStr *err)
{
    if (!strcmp(name, "args")) return cvm_str_append(out, e->run_args.s, e->run_args.len), 0;
    int i = script_variable(e, name);
    if (i < 0) return cvm_str_printf(err, "undefined variable '%s'", name), -1;
    cvm_str_append(out, e->values[i].s, e->values[i].len);
    return 0;
}

/* --- expansion -------------------------------------------------------------- */

static int script_read_call(struct script *e, const char *text, size_t n, int unquote_param, CvmStr *name, CvmStr *value);

/* The arguments of a `run`, shifted off one word at a time (shiftAll). */
static unsigned script_arg_words(struct script *e, StWords *w)
{
    CvmStr rest = { 0 }, word = { 0 }, next = { 0 };
    cvm_str_append(&rest, e->run_args.s ? e->run_args.s : "", e->run_args.len);
    for (;;) {
        st_shift_word(rest.s, rest.len, &word, &next);
        if (!word.len) break;
        if (st_words_push(w, word.s, word.len) < 0) break;
        cvm_str_clear(&rest);
        cvm_str_append(&rest, next.s, next.len);
    }
    cvm_str_free(&rest);
    cvm_str_free(&word);
    cvm_str_free(&next);
    return w->n;
}

static int script_lookup(void *ctx, const char *name, char kind, CvmStr *out)
{
    struct script *e = ctx;
    if (kind == 'c') {
        CvmStr n = { 0 };
        int ok = script_read_call(e, name, strlen(name), 0, &n, out) == 0;
        cvm_str_free(&n);
        return ok;
    }
    int i = script_variable(e, name);
    if (i >= 0) return cvm_str_append(out, e->values[i].s, e->values[i].len), 1;
    if (!strcmp(name, "?")) return cvm_str_printf(out, "%d", e->write_status), 1;
    if (!strcmp(name, "args")) return cvm_str_append(out, e->run_args.s, e->run_args.len), 1;
    if (!strcmp(name, "$")) return cvm_str_printf(out, "%ld", (long)getpid()), 1;
    if (!strcmp(name, "0")) return cvm_str_append(out, e->run_name.s, e->run_name.len), 1;
    if (!strcmp(name, "#")) {
        StWords w = { 0 };
        cvm_str_printf(out, "%u", script_arg_words(e, &w));
        st_words_free(&w);
        return 1;
    }
    if (!strcmp(name, "write")) return cvm_str_printf(out, "%s", e->run_is_write ? "true" : "false"), 1;
    if (name[0] >= '1' && name[0] <= '9') {
        uint64_t k = 0;
        for (const char *p = name; *p; p++) {
            if (*p < '0' || *p > '9') return 0;
            if (k < 1000000000) k = k * 10 + (uint64_t)(*p - '0');
        }
        StWords w = { 0 };
        if (k <= script_arg_words(e, &w)) cvm_str_append(out, w.w[k - 1].s, w.w[k - 1].len);
        st_words_free(&w);
        return 1;
    }
    return 0;
}

static void script_expand(struct script *e, const char *text, int quote_bare, CvmStr *out)
{
    cvm_str_clear(out);
    st_expand_append(text, strlen(text), script_lookup, e, quote_bare, 0, out);
}

/* --- running --------------------------------------------------------------- */

static void script_steps(struct script *e, int64_t n, int kind);
static void script_print(struct script *e, int op, const char *raw);
static int script_write_call(struct script *e, const char *text, int unquote_value);

static unsigned script_finish(struct script *e, int how, int kind, unsigned njumps)
{
    e->pos--;
    e->last_finish = (uint8_t)how;
    if (how == SCRIPT_FINISH_STOP && kind != SCRIPT_STEP_ROUTER) cvm_request_stop();
    return njumps + 1;
}

/* A wait time: the expanded text as an interval; 0 ok. */
static int script_interval(struct script *e, const char *text, int64_t *ns)
{
    CvmStr t = { 0 };
    script_expand(e, text, 0, &t);
    int r = io_parse_interval_n(t.s ? t.s : "", t.len, ns);
    cvm_str_free(&t);
    return r;
}

static unsigned script_step(struct script *e, int64_t nsteps, int kind, unsigned njumps)
{
    int64_t target = nsteps + e->step_count;
    e->last_finish = SCRIPT_FINISH_NONE;
    CvmStr t = { 0 };
    while (target - e->step_count >= 0 && e->pos < e->ninsns && njumps < SCRIPT_MAX_JUMPS) {
        unsigned ipos = e->pos++;
        const ScriptInsn *insn = &e->insns[ipos];
        switch (insn->op) {
        case SCRIPT_STOP:
            e->step_count++;
            e->pos--;
            if (kind != SCRIPT_STEP_ROUTER) cvm_request_stop();
            e->last_finish = SCRIPT_FINISH_STOP;
            cvm_str_free(&t);
            return njumps + 1;
        case SCRIPT_WAIT_STEP:
            while (e->step_count < target && e->waited[ipos] < insn->arg) {
                e->waited[ipos]++;
                e->step_count++;
            }
            if (e->step_count == target && e->waited[ipos] < insn->arg) {
                e->pos--;
                cvm_str_free(&t);
                return njumps + 1;
            }
            break;
        case SCRIPT_WAIT_TIME:
            if (e->step_count == target) {
                int64_t ns;
                if (script_interval(e, insn->text, &ns) < 0) cvm_chatter(e->base.name, "syntax error at 'wait'");
                else {
                    cvm_timer_schedule_after(&e->timer, ns);
                    e->pos--;
                }
                cvm_str_free(&t);
                return njumps + 1;
            }
            e->step_count++;
            cvm_timer_unschedule(&e->timer);
            break;
        case SCRIPT_INITIAL:
            if (e->initial_pending) {
                e->step_count++;
                e->initial_pending = 0;
            }
            break;
        case SCRIPT_PRINT: case SCRIPT_PRINTQ: case SCRIPT_PRINTN: case SCRIPT_PRINTNQ:
            script_print(e, insn->op, insn->text);
            break;
        case SCRIPT_SAVE: case SCRIPT_APPEND: {
            CvmStr handler = { 0 }, file = { 0 }, text = { 0 };
            st_shift_word(insn->text, strlen(insn->text), &handler, &file);
            cvm_str_printf(&text, "%s%s %s", insn->op == SCRIPT_SAVE ? ">" : ">>", file.len ? file.s : "-", handler.s);
            script_print(e, SCRIPT_PRINT, text.s);
            cvm_str_free(&handler);
            cvm_str_free(&file);
            cvm_str_free(&text);
            break;
        }
        case SCRIPT_READ: case SCRIPT_READQ: {
            CvmStr name = { 0 }, value = { 0 };
            script_expand(e, insn->text, 0, &t);
            if (script_read_call(e, t.s, t.len, insn->op == SCRIPT_READQ, &name, &value) == 0) {
                CvmStr lines = { 0 };
                cvm_str_printf(&lines, "%s:\n", name.s ? name.s : "");
                size_t n = value.len;
                if (n && value.s[n - 1] == '\n') n--;
                cvm_str_append(&lines, value.s ? value.s : "", n);
                cvm_str_append(&lines, "\n", 1);
                cvm_write(CVM_STDERR, lines.s, lines.len);
                cvm_str_free(&lines);
            }
            cvm_str_free(&name);
            cvm_str_free(&value);
            break;
        }
        case SCRIPT_WRITE: case SCRIPT_WRITEQ:
            script_expand(e, insn->text, 0, &t);
            e->write_status = script_write_call(e, t.s, insn->op == SCRIPT_WRITEQ);
            break;
        case SCRIPT_SET: case SCRIPT_SETQ: case SCRIPT_RETURN: case SCRIPT_RETURNQ: {
            script_expand(e, insn->text, 0, &t);
            CvmStr *v = &e->values[insn->arg];
            if (insn->op == SCRIPT_SETQ || insn->op == SCRIPT_RETURNQ) ct_unquote(t.s, t.len, v);
            else script_set_value(v, t.s, t.len);
            if ((insn->op == SCRIPT_RETURN || insn->op == SCRIPT_RETURNQ) && e->pos == ipos + 1) {
                e->pos--;
                cvm_str_free(&t);
                return njumps + 1;
            }
            break;
        }
        case SCRIPT_GOTO: {
            script_expand(e, insn->text, 0, &t);
            int jump = 1;
            if (t.len) {
                if (ct_parse_bool(t.s, t.len, &jump) < 0) {
                    cvm_chatter(e->base.name, "bad condition '%s'", t.s);
                    jump = 0;
                }
            }
            if (!jump) break;
            if (insn->arg < 0) {
                int how = insn->arg == SCRIPT_GOTO_STOP ? SCRIPT_FINISH_STOP : insn->arg == SCRIPT_GOTO_ERROR ? SCRIPT_FINISH_ERROR
                        : insn->arg == SCRIPT_GOTO_EXIT ? SCRIPT_FINISH_EXIT : SCRIPT_FINISH_END;
                cvm_str_free(&t);
                return script_finish(e, how, kind, njumps);
            }
            for (unsigned i = (unsigned)insn->arg; i < ipos; i++)
                if (e->insns[i].op == SCRIPT_WAIT_STEP) e->waited[i] = 0;
            e->pos = (unsigned)insn->arg;
            break;
        }
        case SCRIPT_ERROR: case SCRIPT_ERRORQ: {
            script_expand(e, insn->text, 0, &t);
            if (insn->op == SCRIPT_ERRORQ) {
                CvmStr u = { 0 };
                ct_unquote(t.s, t.len, &u);
                cvm_str_clear(&t);
                cvm_str_append(&t, u.s ? u.s : "", u.len);
                cvm_str_free(&u);
            }
            if (t.len) cvm_chatter(e->base.name, "%s", t.s);
            cvm_str_free(&t);
            return script_finish(e, SCRIPT_FINISH_ERROR, kind, njumps);
        }
        case SCRIPT_END:
            cvm_str_free(&t);
            return script_finish(e, SCRIPT_FINISH_END, kind, njumps);
        case SCRIPT_EXIT:
            cvm_str_free(&t);
            return script_finish(e, SCRIPT_FINISH_EXIT, kind, njumps);
        default:
            break;   /* label, init, export: nothing at run time */
        }
        if (e->pos != ipos + 1) njumps++;
    }
    cvm_str_free(&t);
    if (njumps >= SCRIPT_MAX_JUMPS) {
        /* an error, not a warning (-w keeps it), naming the element as Click's %p{element} does */
        cvm_stderr_line("%s :: Script: too many jumps, giving up", e->base.name);
        e->pos = e->ninsns;
        cvm_timer_unschedule(&e->timer);
    }
    return njumps + 1;
}

/* Take steps, or queue them if the script is running already (it stepped itself). */
static void script_steps(struct script *e, int64_t n, int kind)
{
    if (e->stepping) {
        e->queued_steps += n;
        return;
    }
    e->stepping = 1;
    unsigned njumps = script_step(e, n, kind, 0);
    while (e->queued_steps > 0) {
        int64_t q = e->queued_steps;
        e->queued_steps = 0;
        njumps = script_step(e, q, SCRIPT_STEP_NORMAL, njumps);
    }
    e->stepping = 0;
}

/* The value a `run` returns: the last `return`'s, or "0" when a PACKET script just ends. */
static void script_result(struct script *e, CvmStr *out)
{
    const ScriptInsn *insn = e->pos < e->ninsns ? &e->insns[e->pos] : NULL;
    if (insn && (insn->op == SCRIPT_RETURN || insn->op == SCRIPT_RETURNQ)) {
        cvm_str_append(out, e->values[insn->arg].s, e->values[insn->arg].len);
        return;
    }
    if (e->type == SCRIPT_PACKET && (e->last_finish == SCRIPT_FINISH_END || (insn && insn->op == SCRIPT_END))) cvm_str_append(out, "0", 1);
}

static void script_run(struct script *e, const char *args, const char *name, int is_write, CvmStr *out)
{
    script_set_value(&e->run_args, args, strlen(args));
    script_set_value(&e->run_name, name, strlen(name));
    e->run_is_write = (uint8_t)is_write;
    e->pos = 0;
    script_steps(e, 0, SCRIPT_STEP_JUMP);
    if (out) script_result(e, out);
}

static int script_step_handler(struct script *e, const char *value, CvmStr *err)
{
    const char *s;
    size_t n;
    ct_trim(value, strlen(value), &s, &n);
    if (n == 6 && !memcmp(s, "router", 6)) script_steps(e, 1, SCRIPT_STEP_ROUTER);
    else if (!n) script_steps(e, 1, SCRIPT_STEP_NORMAL);
    else {
        int64_t k;
        if (ct_parse_integer_in(s, n, CT_INT32_MIN, CT_INT32_MAX, &k) < 0) return cvm_str_printf(err, "syntax error"), -1;
        script_steps(e, k, SCRIPT_STEP_NORMAL);
    }
    return 0;
}

static int script_goto_handler(struct script *e, const char *value, CvmStr *err)
{
    const char *s;
    size_t n;
    ct_trim(value, strlen(value), &s, &n);
    int at = -1;
    for (unsigned i = 0; i < e->ninsns && at < 0; i++)
        if (e->insns[i].op == SCRIPT_LABEL && strlen(e->insns[i].text) == n && !memcmp(e->insns[i].text, s, n)) at = (int)i;
    if (at < 0 && ((n == 5 && !memcmp(s, "begin", 5)) || (n == 4 && !memcmp(s, "loop", 4)))) at = 0;
    if (at < 0) return cvm_str_printf(err, "jump to nonexistent label"), -1;
    for (unsigned i = (unsigned)at; i < e->ninsns; i++)
        if (e->insns[i].op == SCRIPT_WAIT_STEP) e->waited[i] = 0;
    e->pos = (unsigned)at;
    script_steps(e, 0, SCRIPT_STEP_JUMP);
    return 0;
}

/* --- handler calls ------------------------------------------------------------ */

static int script_is_own(const char *h)
{
    return !strcmp(h, "step") || !strcmp(h, "goto") || !strcmp(h, "run") || !strcmp(h, "set") || !strcmp(h, "get") ||
           !strcmp(h, "shift") || sb_is_builtin(h);
}

/* shiftVar: the first word of a variable, which keeps the rest. */
static int script_shift_var(struct script *e, const char *name, CvmStr *out, CvmStr *err)
{
    CvmStr v = { 0 }, first = { 0 }, rest = { 0 };
    int r = script_get_var(e, name, &v, err);
    if (r == 0) {
        st_shift_word(v.s ? v.s : "", v.len, &first, &rest);
        script_set_var(e, name, rest.s ? rest.s : "", rest.len);
        cvm_str_append(out, first.s ? first.s : "", first.len);
    }
    cvm_str_free(&v);
    cvm_str_free(&first);
    cvm_str_free(&rest);
    return r;
}

/* readOwn: 0 with the value appended, -1 with the message. */
static int script_read_own(struct script *e, const char *handler, const char *param, CvmStr *out, CvmStr *err)
{
    if (!strcmp(handler, "run")) {
        script_run(e, param, "run", 0, out);
        return 0;
    }
    if (!strcmp(handler, "get") || !strcmp(handler, "shift")) {
        CvmStr w = { 0 };
        st_shift_word(param, strlen(param), &w, NULL);
        const char *name = w.len ? w.s : "args";
        int r = handler[0] == 'g' ? script_get_var(e, name, out, err) : script_shift_var(e, name, out, err);
        cvm_str_free(&w);
        return r;
    }
    int r = sb_call(handler, param, out, err);
    if (r == -2) return cvm_str_printf(err, "no '%s' read handler", handler), -1;
    return r;
}

static int script_write_own(struct script *e, const char *handler, const char *value, CvmStr *err)
{
    if (!strcmp(handler, "step")) return script_step_handler(e, value, err);
    if (!strcmp(handler, "goto")) return script_goto_handler(e, value, err);
    if (!strcmp(handler, "run")) {
        script_run(e, value, "run", 1, NULL);
        return 0;
    }
    if (!strcmp(handler, "set")) {
        CvmStr name = { 0 }, rest = { 0 };
        st_shift_word(value, strlen(value), &name, &rest);
        int r = 0;
        if (!name.len) {
            cvm_str_printf(err, "no variable");
            r = -1;
        } else script_set_var(e, name.s, rest.s ? rest.s : "", rest.len);
        cvm_str_free(&name);
        cvm_str_free(&rest);
        return r;
    }
    return cvm_str_printf(err, "no '%s' write handler", handler), -1;
}

/* Where a handler name leads: a Script's own handler (this script's, or
 * another Script element's), or the router (path set). */
typedef struct ScriptTarget {
    struct script *script;       /* NULL: the router */
    CvmStr handler, name, path;
} ScriptTarget;

static int script_class(const CvmElement *el)
{
    return !strcmp(el->class_name, "Script") || !strcmp(el->class_name, "DriverManager");
}

static void script_target(struct script *e, const char *path, ScriptTarget *t)
{
    *t = (ScriptTarget){ 0 };
    const char *dot = strchr(path, '.');
    if (!dot) {
        if (script_is_own(path)) {
            t->script = e;
            cvm_str_printf(&t->handler, "%s", path);
            cvm_str_printf(&t->name, "%s.%s", e->base.name, path);
        } else cvm_str_printf(&t->path, "%s", path);
        return;
    }
    size_t elen = (size_t)(dot - path);
    const char *handler = dot + 1;
    struct script *other = NULL;
    if (strlen(e->base.name) == elen && !memcmp(e->base.name, path, elen)) other = e;
    else if (elen) {
        int i = hc_find_element(path, elen, e->base.name);
        if (i >= 0 && script_class(cvm_router.elements[i])) other = (struct script *)cvm_router.elements[i];
    }
    if (other && script_is_own(handler)) {
        t->script = other;
        cvm_str_printf(&t->handler, "%s", handler);
        cvm_str_printf(&t->name, "%s", path);
        return;
    }
    cvm_str_printf(&t->path, "%s", dot == path ? handler : path);
}

static void script_target_free(ScriptTarget *t)
{
    cvm_str_free(&t->handler);
    cvm_str_free(&t->name);
    cvm_str_free(&t->path);
}

/* The parts of a handler call `HANDLER [ARG]`: the handler word, its
 * argument (unquoted if asked; NUL-terminated) and what the word names. */
static void script_call_parts(struct script *e, const char *text, size_t n, int unquote, CvmStr *path, CvmStr *arg, ScriptTarget *t)
{
    const char *s;
    ct_trim(text, n, &s, &n);
    CvmStr rest = { 0 };
    st_shift_word(s, n, path, &rest);
    if (unquote) ct_unquote(rest.s, rest.len, arg);
    else cvm_str_append(arg, rest.s ? rest.s : "", rest.len);
    cvm_str_append(arg, "", 0);
    cvm_str_free(&rest);
    script_target(e, path->s, t);
}

/* After a handler call: Click's message if it failed, and the parts freed. */
static void script_call_done(struct script *e, int r, CvmStr *path, CvmStr *arg, CvmStr *err, ScriptTarget *t)
{
    if (r < 0) cvm_chatter(e->base.name, "While calling '%s': %s", path->s, err->s ? err->s : "");
    script_target_free(t);
    cvm_str_free(path);
    cvm_str_free(arg);
    cvm_str_free(err);
}

/* Call a read handler `HANDLER [PARAM]`: 0 with its name and value, or -1
 * after a chatter message. */
static int script_read_call(struct script *e, const char *text, size_t n, int unquote_param, CvmStr *name, CvmStr *value)
{
    CvmStr path = { 0 }, param = { 0 }, err = { 0 };
    ScriptTarget t;
    script_call_parts(e, text, n, unquote_param, &path, &param, &t);
    int r;
    cvm_str_clear(name);
    if (t.script) {
        cvm_str_append(name, t.name.s, t.name.len);
        r = script_read_own(t.script, t.handler.s, param.s, value, &err);
    } else {
        cvm_str_append(name, t.path.s, t.path.len);
        CvmStr call = { 0 };
        cvm_str_append(&call, t.path.s ? t.path.s : "", t.path.len);
        if (param.len) {
            cvm_str_append(&call, " ", 1);
            cvm_str_append(&call, param.s, param.len);
        }
        cvm_str_append(&call, "", 0);
        r = hc_read(e->base.name, call.s, value, &err);
        cvm_str_free(&call);
    }
    script_call_done(e, r, &path, &param, &err, &t);
    return r < 0 ? -1 : 0;
}

/* Call a write handler `HANDLER [VALUE]`: Click's status, 0 or -EINVAL. */
static int script_write_call(struct script *e, const char *text, int unquote_value)
{
    CvmStr path = { 0 }, value = { 0 }, err = { 0 };
    ScriptTarget t;
    script_call_parts(e, text, strlen(text), unquote_value, &path, &value, &t);
    int r = t.script ? script_write_own(t.script, t.handler.s, value.s, &err) : hc_call_write(e->base.name, t.path.s ? t.path.s : "", value.s, &err);
    script_call_done(e, r, &path, &value, &err, &t);
    return r < 0 ? SCRIPT_WRITE_FAILED : 0;
}

/* print/printn/printq/printnq, optionally `>FILE` or `>>FILE` first. */
static void script_print(struct script *e, int op, const char *raw)
{
    CvmStr text = { 0 }, file = { 0 }, result = { 0 }, expanded = { 0 };
    int to_file = 0, append = 0;
    cvm_str_append(&text, raw, strlen(raw));
    if (raw[0] == '>') {
        append = raw[1] == '>';
        CvmStr name = { 0 }, rest = { 0 };
        const char *after = raw + (append ? 2 : 1);
        st_shift_word(after, strlen(after), &name, &rest);
        if (!(name.len == 1 && name.s[0] == '-')) {
            to_file = 1;
            ct_unquote(name.s, name.len, &file);
            cvm_str_append(&file, "", 0);
        }
        script_set_value(&text, rest.s ? rest.s : "", rest.len);
        cvm_str_free(&name);
        cvm_str_free(&rest);
    }
    int newline = op != SCRIPT_PRINTN && op != SCRIPT_PRINTNQ;
    char c0 = text.len ? text.s[0] : 0;
    int ok = 1;
    if ((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '@' || c0 == '_') {
        CvmStr name = { 0 };
        script_expand(e, text.s, 0, &expanded);
        ok = script_read_call(e, expanded.s, expanded.len, op == SCRIPT_PRINTQ || op == SCRIPT_PRINTNQ, &name, &result) == 0;
        cvm_str_free(&name);
    } else {
        script_expand(e, text.s ? text.s : "", 1, &expanded);
        ct_unquote(expanded.s, expanded.len, &result);
    }
    if (ok) {
        if (newline && (!result.len || result.s[result.len - 1] != '\n')) cvm_str_append(&result, "\n", 1);
        if (to_file) {
            int fd = open(io_path(file.s), O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
            if (fd < 0) cvm_chatter(e->base.name, "%s: %s", file.s, io_file_error(errno));
            else {
                size_t off = 0;
                while (off < result.len) {
                    ssize_t w = write(fd, result.s + off, result.len - off);
                    if (w < 0 && errno == EINTR) continue;
                    if (w <= 0) {
                        cvm_chatter(e->base.name, "%s: %s", file.s, io_file_error(errno));
                        break;
                    }
                    off += (size_t)w;
                }
                close(fd);
            }
        } else {
            /* whole lines go out; a partial one waits for the rest */
            cvm_str_append(&e->partial_line, result.s ? result.s : "", result.len);
            size_t whole = e->partial_line.len;
            while (whole && e->partial_line.s[whole - 1] != '\n') whole--;
            if (whole) {
                cvm_write(CVM_STDOUT, e->partial_line.s, whole);
                memmove(e->partial_line.s, e->partial_line.s + whole, e->partial_line.len - whole);
                e->partial_line.len -= whole;
                e->partial_line.s[e->partial_line.len] = 0;
            }
        }
    }
    cvm_str_free(&text);
    cvm_str_free(&file);
    cvm_str_free(&result);
    cvm_str_free(&expanded);
}

/* --- lifecycle ------------------------------------------------------------- */

static void script_free_state(struct script *e)
{
    for (unsigned i = 0; i < e->nvars; i++) {
        free(e->var_names[i]);
        cvm_str_free(&e->values[i]);
    }
    free(e->var_names);
    free(e->values);
    free(e->waited);
    e->var_names = NULL;
    e->values = NULL;
    e->waited = NULL;
    e->nvars = e->vars_cap = 0;
    cvm_str_free(&e->run_args);
    cvm_str_free(&e->run_name);
    cvm_str_free(&e->partial_line);
}

static int script_init(struct script *e, CvmStr *err)
{
    if (e->type == SCRIPT_DRIVER) {
        /* one driver script per router: an earlier one has initialized already */
        for (int i = 0; i < e->base.index; i++) {
            CvmElement *el = cvm_router.elements[i];
            if (script_class(el) && ((struct script *)el)->type == SCRIPT_DRIVER) return cvm_str_printf(err, "router has more than one driver script"), -1;
        }
    }
    e->waited = calloc(e->ninsns ? e->ninsns : 1, sizeof *e->waited);
    if (!e->waited) return cvm_str_printf(err, "out of memory"), -1;
    for (unsigned i = 0; i < e->ninit_vars; i++)
        if (script_add_variable(e, e->init_vars[i]) < 0) return cvm_str_printf(err, "out of memory"), -1;
    cvm_str_append(&e->run_args, "", 0);
    cvm_str_append(&e->run_name, "", 0);
    cvm_str_append(&e->partial_line, "", 0);
    CvmStr t = { 0 };
    for (unsigned i = 0; i < e->ninsns; i++) {
        const ScriptInsn *insn = &e->insns[i];
        if (insn->op == SCRIPT_INIT || insn->op == SCRIPT_EXPORT) {
            script_expand(e, insn->text, 0, &t);
            script_set_value(&e->values[insn->arg], t.s, t.len);
        } else if (insn->op == SCRIPT_INITQ || insn->op == SCRIPT_EXPORTQ) {
            script_expand(e, insn->text, 0, &t);
            ct_unquote(t.s, t.len, &e->values[insn->arg]);
        }
    }
    cvm_str_free(&t);
    if (e->type != SCRIPT_ACTIVE && e->type != SCRIPT_DRIVER) return 0;
    const ScriptInsn *first = &e->insns[0];
    if (first->op == SCRIPT_WAIT_TIME) {
        int64_t ns;
        if (script_interval(e, first->text, &ns) < 0) return cvm_str_printf(err, "syntax error at 'wait'"), -1;
        cvm_timer_schedule_after(&e->timer, ns);
    } else if (first->op == SCRIPT_INITIAL) {
        e->initial_pending = 1;
        cvm_timer_schedule_at(&e->timer, cvm_now());
    }
    return 0;
}

static void script_cleanup(struct script *e)
{
    if (e->partial_line.len) {
        cvm_write(CVM_STDOUT, e->partial_line.s, e->partial_line.len);
        cvm_write(CVM_STDOUT, "\n", 1);
    }
    cvm_timer_unschedule(&e->timer);
    script_free_state(e);
}

static void script_run_timer(struct script *e, CvmIn *in, CvmOut *out)
{
    (void)in; (void)out;
    script_steps(e, 1, SCRIPT_STEP_TIMER);
}

/* A driver script takes one step per stop request; 1 keeps the driver running. */
static int script_handle_stopped(struct script *e)
{
    if (e->type != SCRIPT_DRIVER) return 0;
    script_steps(e, 1, SCRIPT_STEP_ROUTER);
    return e->last_finish == SCRIPT_FINISH_NONE;
}

/* PACKET scripts: the `run` result is the output port, else the packet is dropped. */
static inline void script_push(struct script *e, int port, Packet **in, unsigned n, CvmOut *out)
{
    CvmStr r = { 0 };
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    for (unsigned i = 0; i < n; i++) {
        script_set_var(e, "input", portbuf, strlen(portbuf));
        cvm_str_clear(&r);
        script_run(e, "", "", 0, &r);
        int64_t to;
        if (ct_parse_integer(r.s ? r.s : "", r.len, &to) < 0) to = -1;
        if (to >= 0 && to < (int64_t)e->noutputs) cvm_emit(out, (unsigned)to, in[i]);
        else cvm_drop(out, in[i]);
    }
    cvm_str_free(&r);
}

/* --- handlers --------------------------------------------------------------- */

static int script_write_step(struct script *e, const char *v, CvmStr *err) { return script_step_handler(e, v, err); }
static int script_write_goto(struct script *e, const char *v, CvmStr *err) { return script_goto_handler(e, v, err); }
static int script_write_run(struct script *e, const char *v, CvmStr *err) { return script_write_own(e, "run", v, err); }
static int script_write_set(struct script *e, const char *v, CvmStr *err) { return script_write_own(e, "set", v, err); }

/* A read handler with a parameter: 0, or -1 with the message in o. */
static int script_read_param_own(struct script *e, const char *handler, const char *param, CvmStr *o)
{
    CvmStr v = { 0 }, err = { 0 };
    int r = script_read_own(e, handler, param, &v, &err);
    if (r < 0) cvm_str_append(o, err.s ? err.s : "", err.len);
    else cvm_str_append(o, v.s ? v.s : "", v.len);
    cvm_str_free(&v);
    cvm_str_free(&err);
    return r < 0 ? -1 : 0;
}

static void script_read_run(struct script *e, CvmStr *o) { script_run(e, "", "run", 0, o); }
static int script_read_param_run(struct script *e, const char *p, CvmStr *o) { return script_read_param_own(e, "run", p, o); }
static int script_read_param_get(struct script *e, const char *p, CvmStr *o) { return script_read_param_own(e, "get", p, o); }
static void script_read_shift(struct script *e, CvmStr *o) { script_read_param_own(e, "shift", "", o); }
static int script_read_param_shift(struct script *e, const char *p, CvmStr *o) { return script_read_param_own(e, "shift", p, o); }

/* The builtins are read-with-parameter handlers only: a plain read is one with '' (and can fail). */
#define SCRIPT_BUILTIN_HANDLERS(name) \
    static int script_read_param_##name(struct script *e, const char *p, CvmStr *o) { return script_read_param_own(e, #name, p, o); }
SCRIPT_BUILTIN_HANDLERS(add)
SCRIPT_BUILTIN_HANDLERS(sub)
SCRIPT_BUILTIN_HANDLERS(min)
SCRIPT_BUILTIN_HANDLERS(max)
SCRIPT_BUILTIN_HANDLERS(mul)
SCRIPT_BUILTIN_HANDLERS(div)
SCRIPT_BUILTIN_HANDLERS(idiv)
SCRIPT_BUILTIN_HANDLERS(mod)
SCRIPT_BUILTIN_HANDLERS(rem)
SCRIPT_BUILTIN_HANDLERS(neg)
SCRIPT_BUILTIN_HANDLERS(abs)
SCRIPT_BUILTIN_HANDLERS(eq)
SCRIPT_BUILTIN_HANDLERS(ne)
SCRIPT_BUILTIN_HANDLERS(lt)
SCRIPT_BUILTIN_HANDLERS(gt)
SCRIPT_BUILTIN_HANDLERS(le)
SCRIPT_BUILTIN_HANDLERS(ge)
SCRIPT_BUILTIN_HANDLERS(not)
SCRIPT_BUILTIN_HANDLERS(and)
SCRIPT_BUILTIN_HANDLERS(or)
SCRIPT_BUILTIN_HANDLERS(nand)
SCRIPT_BUILTIN_HANDLERS(nor)
SCRIPT_BUILTIN_HANDLERS(if)
SCRIPT_BUILTIN_HANDLERS(in)
SCRIPT_BUILTIN_HANDLERS(first)
SCRIPT_BUILTIN_HANDLERS(length)
SCRIPT_BUILTIN_HANDLERS(unquote)
SCRIPT_BUILTIN_HANDLERS(sprintf)
SCRIPT_BUILTIN_HANDLERS(now)
SCRIPT_BUILTIN_HANDLERS(random)
SCRIPT_BUILTIN_HANDLERS(htons)
SCRIPT_BUILTIN_HANDLERS(ntohs)
SCRIPT_BUILTIN_HANDLERS(htonl)
SCRIPT_BUILTIN_HANDLERS(ntohl)
SCRIPT_BUILTIN_HANDLERS(cat)
SCRIPT_BUILTIN_HANDLERS(catq)
#undef SCRIPT_BUILTIN_HANDLERS
