/* cli.c: the subcommand table, option parsing and everything generated from the option
 * tables: getopt_long arrays, --help text, `witc help`, the man page (`witc help --man`)
 * and shell completion (`witc completion bash`). Nothing here is written per command by
 * hand: a new subcommand only adds its cli_command to cli_commands[]. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "bundled.h"

/* ---- the command table ------------------------------------------------------------ */

extern const cli_command cmd_check, cmd_wit_path, cmd_wit_show, cmd_help, cmd_completion;
/* Back ends: declare the command here and list it in the table below. */
extern const cli_command cmd_json, cmd_fmt, cmd_gen_c, cmd_abi;

/* Listed in --help in this order. A name with a space ("gen c") is matched word by word. */
const cli_command *const cli_commands[] = {
    &cmd_check,
    &cmd_json,
    &cmd_fmt,
    &cmd_gen_c,
    &cmd_abi,
    &cmd_wit_path,
    &cmd_wit_show,
    &cmd_completion,
    &cmd_help,
    NULL,
};

/* ---- option parsing --------------------------------------------------------------- */

enum { MAX_OPTIONS = 64 };

static const cli_option help_option = {CLI_OPT_HELP, "help", 'h', NULL, "print this help"};

/* Number of options in a {0}-terminated table. */
static int count_options(const cli_option *opts) {
  int n = 0;
  while (opts && opts[n].long_name) n++;
  return n;
}

static bool has_help(const cli_option *opts) {
  for (int i = 0; opts && opts[i].long_name; i++)
    if (opts[i].id == CLI_OPT_HELP) return true;
  return false;
}

/* Runs the statements (the variadic part) for every option `o` of cmd, the implicit
 * --help last. */
#define FOR_EACH_OPTION(cmd, o, ...)                                      \
  do {                                                                     \
    int n_ = count_options((cmd)->options);                                \
    for (int i_ = 0; i_ <= n_; i_++) {                                     \
      const cli_option *o = i_ < n_ ? &(cmd)->options[i_] : &help_option;  \
      if (i_ == n_ && has_help((cmd)->options)) break;                     \
      __VA_ARGS__;                                                         \
    }                                                                      \
  } while (0)

/* Width of "-s, --long ARG" as printed in help. */
static int option_label(const cli_option *o, char *buf, size_t size) {
  return snprintf(buf, size, "%s%c%s--%s%s%s", o->short_name ? "-" : "   ",
                  o->short_name ? o->short_name : ' ', o->short_name ? ", " : "", o->long_name,
                  o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_print_help(const cli_command *cmd, FILE *out) {
  fprintf(out, "Usage: witc %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->usage, cmd->summary);
  int width = 0;
  char label[128];
  FOR_EACH_OPTION(cmd, o, {
    int w = option_label(o, label, sizeof label);
    if (w > width) width = w;
  });
  FOR_EACH_OPTION(cmd, o, {
    option_label(o, label, sizeof label);
    fprintf(out, "  %-*s  %s\n", width, label, o->help ? o->help : "");
  });
}

int cli_parse(const cli_command *cmd, int argc, char **argv,
              bool (*on_opt)(int id, const char *arg, void *user), void *user, bool *done) {
  struct option longs[MAX_OPTIONS + 2];
  char shorts[MAX_OPTIONS * 2 + 4];
  int nl = 0, ns = 0;
  *done = false;
  shorts[ns++] = ':'; /* report missing arguments as ':' */
  FOR_EACH_OPTION(cmd, o, {
    if (nl >= MAX_OPTIONS) {
      fprintf(stderr, "error: internal: too many options for 'witc %s'\n", cmd->name);
      return -1;
    }
    longs[nl++] = (struct option){o->long_name, o->arg ? required_argument : no_argument, NULL,
                                  o->id};
    if (o->short_name) {
      shorts[ns++] = o->short_name;
      if (o->arg) shorts[ns++] = ':';
    }
  });
  longs[nl] = (struct option){0, 0, 0, 0};
  shorts[ns] = 0;

  opterr = 0;
  optind = 0; /* glibc: full re-initialisation, so cli_parse can run more than once */
  for (;;) {
    int li = -1;
    int c = getopt_long(argc, argv, shorts, longs, &li);
    if (c == -1) break;
    if (c == '?' || c == ':') {
      const char *bad = argv[optind - 1];
      char shortbuf[3] = {'-', (char)optopt, 0};
      if (optopt && (optind < 1 || strncmp(bad, "--", 2) != 0)) bad = shortbuf;
      if (c == '?')
        fprintf(stderr, "error: unknown option '%s'\n", bad);
      else
        fprintf(stderr, "error: option '%s' needs an argument\n", bad);
      fprintf(stderr, "Run 'witc %s --help' for usage.\n", cmd->name);
      return -1;
    }
    if (li < 0) { /* a short option: getopt returns its character, not the table's id */
      FOR_EACH_OPTION(cmd, o, {
        if (o->short_name && o->short_name == c) {
          c = o->id;
          break;
        }
      });
    }
    if (c == CLI_OPT_HELP) {
      cli_print_help(cmd, stdout);
      *done = true;
      return argc;
    }
    if (!on_opt || !on_opt(c, optarg, user)) {
      /* on_opt reports what was wrong with the value; point at help. */
      fprintf(stderr, "Run 'witc %s --help' for usage.\n", cmd->name);
      return -1;
    }
  }
  return optind;
}

/* ---- global help, dispatch -------------------------------------------------------- */

/* Number of words in a command name ("gen c" = 2). */
static int name_words(const char *name) {
  int n = 1;
  for (const char *p = name; *p; p++) n += *p == ' ';
  return n;
}

/* Whether argv[0..] spell command `name` word by word. */
static bool name_matches(const char *name, int argc, char **argv) {
  int i = 0;
  const char *p = name;
  while (*p) {
    const char *sp = strchr(p, ' ');
    size_t len = sp ? (size_t)(sp - p) : strlen(p);
    if (i >= argc || strlen(argv[i]) != len || strncmp(argv[i], p, len) != 0) return false;
    i++;
    p += len + (sp != NULL);
  }
  return true;
}

const cli_command *cli_find(int argc, char **argv, int *words) {
  const cli_command *best = NULL;
  int best_words = 0;
  for (int i = 0; cli_commands[i]; i++) {
    int w = name_words(cli_commands[i]->name);
    if (w > best_words && name_matches(cli_commands[i]->name, argc, argv)) {
      best = cli_commands[i];
      best_words = w;
    }
  }
  if (words) *words = best_words;
  return best;
}

static void print_usage(FILE *out) {
  fprintf(out,
          "witc %s: a WIT (WebAssembly Interface Types) compiler\n\n"
          "Usage: witc COMMAND [OPTIONS] [ARGS]\n\nCommands:\n",
          WITC_VERSION);
  int width = 0;
  for (int i = 0; cli_commands[i]; i++) {
    int w = (int)strlen(cli_commands[i]->name);
    if (w > width) width = w;
  }
  for (int i = 0; cli_commands[i]; i++)
    fprintf(out, "  %-*s  %s\n", width, cli_commands[i]->name, cli_commands[i]->summary);
  fprintf(out,
          "\nGlobal options:\n  -h, --help     print this help\n  -V, --version  print the "
          "version\n\nRun 'witc help COMMAND' for the options of a command.\n"
          "Exit status: 0 ok, 1 the input has errors, 2 usage or system error.\n");
}

/* ---- command groups ("gen" of "gen c") --------------------------------------------- */

/* What the second word of a group names, for its messages: `witc gen LANGUAGE`. */
static const struct {
  const char *group, *noun, *placeholder;
} group_nouns[] = {
    {"gen", "language", "LANGUAGE"},
};

static const char *group_noun(const char *group, bool placeholder) {
  for (size_t i = 0; i < sizeof group_nouns / sizeof *group_nouns; i++)
    if (!strcmp(group_nouns[i].group, group))
      return placeholder ? group_nouns[i].placeholder : group_nouns[i].noun;
  return placeholder ? "SUBCOMMAND" : "subcommand";
}

/* Whether `word` is the first word of a multi-word command ("gen"). */
static bool is_group(const char *word) {
  size_t len = strlen(word);
  for (int i = 0; cli_commands[i]; i++)
    if (!strncmp(cli_commands[i]->name, word, len) && cli_commands[i]->name[len] == ' ')
      return true;
  return false;
}

/* "c, rust": the second words of a group's commands. */
static void print_group_members(FILE *out, const char *group) {
  size_t len = strlen(group);
  bool first = true;
  for (int i = 0; cli_commands[i]; i++) {
    const char *n = cli_commands[i]->name;
    if (strncmp(n, group, len) || n[len] != ' ') continue;
    fprintf(out, "%s%s", first ? "" : ", ", n + len + 1);
    first = false;
  }
}

/* `witc gen --help`: the group's usage and its commands. */
static void print_group_help(FILE *out, const char *group) {
  fprintf(out, "Usage: witc %s %s [OPTIONS] [ARGS]\n\nCommands:\n", group,
          group_noun(group, true));
  size_t len = strlen(group);
  int width = 0;
  for (int i = 0; cli_commands[i]; i++) {
    const char *n = cli_commands[i]->name;
    if (!strncmp(n, group, len) && n[len] == ' ' && (int)strlen(n) > width) width = (int)strlen(n);
  }
  for (int i = 0; cli_commands[i]; i++) {
    const char *n = cli_commands[i]->name;
    if (!strncmp(n, group, len) && n[len] == ' ')
      fprintf(out, "  %-*s  %s\n", width, n, cli_commands[i]->summary);
  }
  fprintf(out, "\nRun 'witc help %s %s' for the options of a command.\n", group,
          group_noun(group, true));
}

/* `witc gen ...` with no known second word (argv[0] == "gen"). */
static int run_group(int argc, char **argv) {
  const char *group = argv[0], *noun = group_noun(group, false);
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    print_group_help(stdout, group);
    return CLI_OK;
  }
  if (argc < 2)
    fprintf(stderr, "error: 'witc %s' needs a %s (available: ", group, noun);
  else if (argv[1][0] == '-')
    fprintf(stderr, "error: 'witc %s' needs a %s before its options (available: ", group, noun);
  else
    fprintf(stderr, "error: unknown %s '%s' (available: ", noun, argv[1]);
  print_group_members(stderr, group);
  fprintf(stderr, ")\nRun 'witc %s --help' for usage.\n", group);
  return CLI_USAGE;
}

/* ---- the entry point --------------------------------------------------------------- */

static int help_run(int argc, char **argv);

/* cli_main without the final check of standard output. */
static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return CLI_USAGE;
  }
  const char *a = argv[1];
  if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
    if (argc == 2) {
      print_usage(stdout);
      return CLI_OK;
    }
    return help_run(argc - 1, argv + 1); /* `witc --help gen c` as `witc help gen c` */
  }
  if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
    if (argc > 2) {
      fprintf(stderr, "error: %s takes no arguments (got '%s')\nRun 'witc --help' for usage.\n",
              a, argv[2]);
      return CLI_USAGE;
    }
    printf("witc %s\n", WITC_VERSION);
    return CLI_OK;
  }
  if (a[0] == '-') {
    fprintf(stderr, "error: unknown option '%s'\nRun 'witc --help' for usage.\n", a);
    return CLI_USAGE;
  }
  int words = 0;
  const cli_command *cmd = cli_find(argc - 1, argv + 1, &words);
  if (!cmd && is_group(a)) return run_group(argc - 1, argv + 1);
  if (!cmd) {
    fprintf(stderr, "error: unknown command '%s'\nRun 'witc --help' for the list of commands.\n",
            a);
    return CLI_USAGE;
  }
  /* run() gets argv[0] == the command's last word. */
  return cmd->run(argc - words, argv + words);
}

int cli_main(int argc, char **argv) {
  int rc = dispatch(argc, argv);
  /* Everything a command printed must have reached standard output (a full disk, a closed
   * descriptor): checked here once for every command, help and completion included. A
   * command that already failed with 2 has reported its own write error. */
  int flushed = fflush(stdout);
  int err = errno;
  if (flushed != 0 || ferror(stdout)) {
    if (rc != CLI_USAGE)
      fprintf(stderr, "error: failed to write standard output%s%s\n", flushed ? ": " : "",
              flushed ? strerror(err) : "");
    rc = CLI_USAGE;
  }
  return rc;
}

/* ---- witc help -------------------------------------------------------------------- */

/* Writes `s` with roff's special characters escaped. */
static void roff(FILE *out, const char *s) {
  for (bool bol = true; s && *s; s++) {
    if (*s == '-' || *s == '\\')
      fprintf(out, "\\%c", *s == '\\' ? 'e' : '-');
    else if (bol && (*s == '.' || *s == '\''))
      fprintf(out, "\\&%c", *s);
    else
      fputc(*s, out);
    bol = *s == '\n';
  }
}

static void print_man(FILE *out) {
  fprintf(out, ".TH WITC 1 \"\" \"witc %s\" \"User Commands\"\n", WITC_VERSION);
  fprintf(out, ".SH NAME\nwitc \\- WIT (WebAssembly Interface Types) compiler\n");
  fprintf(out, ".SH SYNOPSIS\n.B witc\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n");
  fprintf(out, ".SH DESCRIPTION\n");
  roff(out, "witc parses and resolves WIT packages exactly as the reference implementation "
            "(wit-parser) does, reports errors in its format, and generates code from them. "
            "Without a PATH, commands use the vtx:api package bundled into the binary.");
  fprintf(out, "\n.SH COMMANDS\n");
  for (int i = 0; cli_commands[i]; i++) {
    const cli_command *cmd = cli_commands[i];
    fprintf(out, ".SS \"");
    roff(out, "witc ");
    roff(out, cmd->name);
    fputc(' ', out);
    roff(out, cmd->usage);
    fprintf(out, "\"\n");
    roff(out, cmd->summary);
    fputc('\n', out);
    FOR_EACH_OPTION(cmd, o, {
      fprintf(out, ".TP\n");
      if (o->short_name) fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
      fprintf(out, "\\fB");
      roff(out, "--");
      roff(out, o->long_name);
      fprintf(out, "\\fR");
      if (o->arg) {
        fprintf(out, " \\fI");
        roff(out, o->arg);
        fprintf(out, "\\fR");
      }
      fputc('\n', out);
      roff(out, o->help);
      fputc('\n', out);
    });
  }
  fprintf(out, ".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nthe input has errors\n.TP\n2\n"
               "usage error, unreadable file or internal failure\n");
  fprintf(out, ".SH FILES\n");
  roff(out, "<prefix>/share/witc/wit/<version>/vtx.wit: the bundled vtx:api packages (");
  roff(out, cli_bundled_versions());
  roff(out, "), as printed by witc wit-path.");
  fprintf(out, "\n");
}

static const cli_option help_options[] = {
    {CLI_OPT_USER, "man", 0, NULL, "print the manual page (roff) of every command"},
    {CLI_OPT_HELP, "help", 'h', NULL, "print this help"},
    {0},
};

static bool help_opt(int id, const char *arg, void *user) {
  (void)arg;
  if (id == CLI_OPT_USER) *(bool *)user = true;
  return true;
}

static int help_run(int argc, char **argv) {
  bool man = false, done;
  int first = cli_parse(&cmd_help, argc, argv, help_opt, &man, &done);
  if (first < 0) return CLI_USAGE;
  if (done) return CLI_OK;
  if (man) {
    print_man(stdout);
    return CLI_OK;
  }
  if (first >= argc) {
    print_usage(stdout);
    return CLI_OK;
  }
  int words = 0;
  const cli_command *cmd = cli_find(argc - first, argv + first, &words);
  if (!cmd && first + 1 == argc && is_group(argv[first])) { /* `witc help gen` */
    print_group_help(stdout, argv[first]);
    return CLI_OK;
  }
  if (!cmd || first + words != argc) {
    fprintf(stderr, "error: unknown command '");
    for (int i = first; i < argc; i++) fprintf(stderr, "%s%s", i > first ? " " : "", argv[i]);
    fprintf(stderr, "'\nRun 'witc --help' for the list of commands.\n");
    return CLI_USAGE;
  }
  cli_print_help(cmd, stdout);
  return CLI_OK;
}

const cli_command cmd_help = {"help", "[--man] [COMMAND]", "print help for witc or one of its commands",
                              help_options, help_run};

/* ---- witc completion -------------------------------------------------------------- */

static void print_bash(FILE *out) {
  fprintf(out, "# bash completion for witc (generated by 'witc completion bash')\n"
               "_witc() {\n"
               "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
               "  local cmd=\"\" i\n"
               "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
               "    case \"${COMP_WORDS[i]}\" in -*) ;; *) cmd=\"${cmd:+$cmd }${COMP_WORDS[i]}\";; esac\n"
               "  done\n"
               "  case \"$prev\" in\n"
               "    --protocol) COMPREPLY=($(compgen -W \"");
  for (const cli_bundled *b = cli_bundled_wit; b->version; b++)
    if (b == cli_bundled_wit || strcmp(b->version, b[-1].version)) fprintf(out, "%s ", b->version);
  fprintf(out, "\" -- \"$cur\")); return;;\n"
               "    -o|--output) COMPREPLY=($(compgen -d -- \"$cur\")); return;;\n"
               "  esac\n"
               "  local opts words=\"");
  for (int i = 0; cli_commands[i]; i++) {
    const char *sp = strchr(cli_commands[i]->name, ' ');
    int len = sp ? (int)(sp - cli_commands[i]->name) : (int)strlen(cli_commands[i]->name);
    fprintf(out, "%.*s ", len, cli_commands[i]->name);
  }
  fprintf(out, "--help --version\"\n  case \"$cmd\" in\n");
  for (int i = 0; cli_commands[i]; i++) {
    const cli_command *cmd = cli_commands[i];
    fprintf(out, "    \"%s\"*) opts=\"", cmd->name);
    FOR_EACH_OPTION(cmd, o, {
      fprintf(out, "--%s ", o->long_name);
      if (o->short_name) fprintf(out, "-%c ", o->short_name);
    });
    fprintf(out, "\";;\n");
    /* The first word of a multi-word command completes its second word. */
    const char *sp = strchr(cmd->name, ' ');
    if (sp)
      fprintf(out, "    \"%.*s\") COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return;;\n",
              (int)(sp - cmd->name), cmd->name, sp + 1);
  }
  fprintf(out, "    \"\") COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")); return;;\n"
               "  esac\n"
               "  if [[ $cmd == help ]]; then\n"
               "    COMPREPLY=($(compgen -W \"$words --man\" -- \"$cur\")); return\n"
               "  fi\n"
               "  if [[ $cur == -* ]]; then\n"
               "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
               "  else\n"
               "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
               "  fi\n"
               "}\n"
               "complete -o filenames -F _witc witc\n");
}

static int completion_run(int argc, char **argv) {
  bool done;
  int first = cli_parse(&cmd_completion, argc, argv, NULL, NULL, &done);
  if (first < 0) return CLI_USAGE;
  if (done) return CLI_OK;
  if (first + 1 != argc || strcmp(argv[first], "bash") != 0) {
    fprintf(stderr, "error: 'witc completion' takes one shell name; supported: bash\n");
    return CLI_USAGE;
  }
  print_bash(stdout);
  return CLI_OK;
}

static const cli_option completion_options[] = {{0}};

const cli_command cmd_completion = {"completion", "bash",
                                    "print a shell completion script (source it from your shell)",
                                    completion_options, completion_run};
