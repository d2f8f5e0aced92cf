/* cli.h: what every subcommand file of the `witc` executable shares.
 *
 * One option table: each subcommand describes its options once (cli_option[]); getopt_long
 * tables, --help text, the man page and shell completions are all generated from these
 * tables (cli.c), never written by hand. */
#ifndef WITC_CLI_H
#define WITC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../codegen/abi.h"
#include "../parser/model.h"
#include "../parser/source.h"

/* Exit codes (decisions.md): 0 ok, 1 the input has errors, 2 usage/system error. */
enum { CLI_OK = 0, CLI_INVALID = 1, CLI_USAGE = 2 };

/* Option ids shared by several subcommands (values above 255 so they never clash with
 * short-option characters). Subcommand-specific ids start at CLI_OPT_USER. */
enum {
  CLI_OPT_HELP = 'h',
  CLI_OPT_OUTPUT = 'o',
  CLI_OPT_WRITE = 'w',
  CLI_OPT_FEATURES = 256,
  CLI_OPT_ALL_FEATURES,
  CLI_OPT_WORLD,
  CLI_OPT_PROTOCOL,
  CLI_OPT_CHECK,
  CLI_OPT_MANGLING,
  CLI_OPT_USER = 512,
};

/* One option: `--long` (and `-s` when short != 0). arg: NULL for a flag, else the
 * placeholder shown in help ("FILE", "a,b"). */
typedef struct cli_option {
  int id;
  const char *long_name;
  char short_name;
  const char *arg;
  const char *help;
} cli_option;

/* One subcommand. run(argc, argv) gets argv[0] == name; it returns an exit code. */
typedef struct cli_command {
  const char *name;
  const char *usage;    /* after "witc NAME ": e.g. "[OPTIONS] [PATH...]" */
  const char *summary;  /* one line */
  const cli_option *options; /* terminated by {0} */
  int (*run)(int argc, char **argv);
} cli_command;

/* The common resolver options (--features, --all-features, --world, --protocol), as
 * entries to splice into a subcommand's table with CLI_RESOLVE_OPTIONS. */
#define CLI_RESOLVE_OPTIONS                                                              \
  {CLI_OPT_FEATURES, "features", 0, "a,b", "enable these @unstable features"},           \
  {CLI_OPT_ALL_FEATURES, "all-features", 0, NULL, "enable every @unstable feature"},      \
  {CLI_OPT_WORLD, "world", 0, "W", "the world to use (name, or ns:pkg/name)"},           \
  {CLI_OPT_PROTOCOL, "protocol", 0, "VERSION",                                          \
   "bundled vtx:api version when no PATH is given: 2.2.1 (default) or 5.0.0"}

/* Parsed common options. */
typedef struct cli_resolve_opts {
  const char *features; /* comma-separated, or NULL */
  bool all_features;
  const char *world;    /* or NULL */
  const char *protocol; /* or NULL: the default bundled version */
} cli_resolve_opts;

/* ---- common.c: options and inputs -------------------------------------------------- */

/* Handles one of the CLI_RESOLVE_OPTIONS ids (arg: its value). Returns false when `id` is
 * not one of them, or when the value is refused (an unknown --protocol version, a
 * --features list over 4 KiB; reported on stderr). */
bool cli_resolve_opts_take(cli_resolve_opts *self, int id, const char *arg);

/* The argument-parsing start of a command whose options are all resolver options
 * (CLI_RESOLVE_OPTIONS or CLI_PROTOCOL_OPTION) plus --help: zeroes *opts and parses argv
 * against cmd->options with cli_parse, handing each option to cli_resolve_opts_take. When
 * `operands` is false, any operand is a usage error ("error: 'witc NAME' takes no
 * operands"). Returns the index of the first operand in argv; or -1 when the command is
 * already finished, with *rc its exit code: CLI_OK after --help, CLI_USAGE on a usage
 * error (already reported on stderr). */
int cli_parse_resolve_opts(const cli_command *cmd, int argc, char **argv, bool operands,
                           cli_resolve_opts *opts, int *rc);

/* The --mangling option entry; `help` says what the chosen core names are used for. */
#define CLI_MANGLING_OPTION(help) {CLI_OPT_MANGLING, "mangling", 0, "legacy|standard32", help}

/* Parses a --mangling value, "legacy" or "standard32", into *out. Any other value: prints
 * "error: --mangling must be ..." to stderr and returns false (*out unchanged). */
bool cli_mangling_parse(const char *arg, witc_mangling *out);

/* A loaded and resolved input: everything a subcommand needs, owned together. */
typedef struct cli_input {
  witc_arena arena;
  witc_source_map sources;
  witc_diags diags;
  witc_resolve resolve;
  witc_id package; /* the main package */
  witc_id world;   /* the selected world, or WITC_ID_NONE when none was asked for/needed */
} cli_input;

/* Loads `path` (a .wit file, a package directory, "-" for stdin, or NULL for the bundled
 * vtx:api package of opts->protocol), resolves it with opts' features, and when
 * `need_world` selects the world (opts->world or the package's only world). Prints any
 * diagnostics to stderr. Returns CLI_OK, CLI_INVALID (bad WIT) or CLI_USAGE (unreadable
 * file, bad --protocol). Always call cli_input_delete afterwards. */
int cli_input_load(cli_input *self, const char *path, const cli_resolve_opts *opts,
                   bool need_world);
/* Frees everything cli_input_load made (safe on a zeroed cli_input); *self is zeroed. */
void cli_input_delete(cli_input *self);

/* For a command that reads one world from at most one PATH: `first` is cli_parse's index
 * of the first operand in argv[0..argc). Loads argv[first] (none: the bundled package)
 * with cli_input_load(need_world true). More than one operand is a usage error ("at most
 * one PATH may be given"). Returns CLI_OK with *self loaded (call cli_input_delete);
 * otherwise the exit code, with *self already deleted. */
int cli_input_load_world(cli_input *self, int argc, char **argv, int first,
                         const cli_resolve_opts *opts);

/* Runs fn(self, user) under an out-of-memory recovery point for self->arena: when an arena
 * allocation fails inside fn, prints "error: out of memory" to stderr and returns
 * CLI_USAGE; otherwise returns what fn returns. What fn allocated outside the arena is the
 * caller's to free either way. */
int cli_run_guarded(cli_input *self, int (*fn)(cli_input *in, void *user), void *user);

/* Prints the diagnostics collected so far to stderr (each rendered by witc_diag_render,
 * newline-separated) and forgets them, so a later call prints only newer ones. */
void cli_print_diags(cli_input *self);

/* ---- output.c ---------------------------------------------------------------------- */

/* Writes `len` bytes to `path` atomically: a temporary ".<name>.XXXXXX" in the same
 * directory, then rename(2); an existing file keeps its mode, a new one gets 0666 less the
 * umask. When `path` is a symbolic link (or a chain of them) the file it points to is
 * replaced, with the temporary file beside it, and the link stays. Returns 0, or -1 with
 * errno set (the temporary file is removed). */
int cli_write_file_atomic(const char *path, const void *data, size_t len);

/* mkdir -p: creates directory `dir` and its missing parents (mode 0777 less the umask).
 * Returns 0 when `dir` exists as a directory afterwards, else -1 with errno set (ENOTDIR
 * when it is something else, ENAMETOOLONG beyond 4095 bytes, ENOENT for ""). */
int cli_make_dirs(const char *dir);

/* ---- cli.c: the command table and everything generated from the option tables -------- */

/* The subcommand table, in --help order, terminated by NULL. */
extern const cli_command *const cli_commands[];

/* Runs the whole command line (main.c's body): global --help/--version, then dispatch on
 * argv[1] (multi-word names such as "gen c" match word by word; run() then gets argv[0]
 * == the last word; the first word alone, "gen", lists its commands for --help and is a
 * usage error otherwise). Finally flushes standard output: when anything written to it
 * failed, reports it (unless the command already failed with 2) and returns CLI_USAGE.
 * Returns the exit code. */
int cli_main(int argc, char **argv);

/* The command whose (possibly multi-word) name argv[0..] spells, or NULL; *words gets
 * the number of words it took. */
const cli_command *cli_find(int argc, char **argv, int *words);

/* Prints cmd's generated --help text (usage, summary, one line per option) to `out`. */
void cli_print_help(const cli_command *cmd, FILE *out);

/* Parses argv against cmd->options with getopt_long, calling on_opt(id, optarg, user) for
 * each; handles --help itself (prints the generated help, returns CLI_OK through *done).
 * Returns the index of the first operand, or -1 on a usage error (already reported). */
int cli_parse(const cli_command *cmd, int argc, char **argv,
              bool (*on_opt)(int id, const char *arg, void *user), void *user, bool *done);

#endif
