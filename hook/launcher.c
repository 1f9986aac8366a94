/* The compiled hook that `smokehook install` writes as .git/hooks/pre-commit
 * pre-merge-commit and pre-push: it replaces itself with smokehook, found where it was
 * installed from, else on PATH, else it says what to do and fails the hook.
 *
 * Why not a shell script: every program started costs a process start-up,
 * and on the machines measured here that is most of a hook's price (an
 * `sh` shim that runs smokehook costs two of them: ~1 ms more per commit).
 * glibc's start-up alone probes the CPU's caches with `cpuid`, which a
 * virtual machine traps. This program has no C library, so it starts in
 * a few pages, and it exec()s smokehook without a fork, so git sees
 * smokehook's own exit status, and its death by a signal.
 *
 * It runs, in order: smokehook at the path recorded at install time; the
 * first `smokehook` on PATH; otherwise a message on stderr and exit 1 (the
 * commit or push is refused: a hook that cannot check must not let
 * everything through). smokehook is run as
 *
 *     smokehook --hook-file <this hook, as git ran it> [--config FILE] --hook <hook> [git's
 * arguments]
 *
 * with git's stdin (pre-push's and pre-receive's ref lines) left untouched.
 * and itself runs the hook that was here before smokehook was installed
 * (kept as <hook>.smokehook-orig beside this one).
 *
 * Freestanding: three system calls, no library, no allocation; built with
 * -nostdlib -static for x86-64 and AArch64 Linux (CMakeLists.txt). Elsewhere
 * the shell hook (hook/smokehook-hook.sh) is installed instead. */

#include "hook_slot.h"

/* install writes "hook=NAME\0bin=PATH\0" after the marker line, and
 * "config=PATH\0" after them for a pre-receive hook installed with --config. */
__attribute__((used)) static const char slot[SMOKEHOOK_SLOT_SIZE] = SMOKEHOOK_SLOT_HEAD;

#if defined(__x86_64__)
#define SYS_write 1
#define SYS_execve 59
#define SYS_exit_group 231

static long syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

/* The kernel starts a process with argc, argv[] and envp[] on the stack. */
__asm__(
    ".text\n.global _start\n_start:\n"
    "  xor %rbp, %rbp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call launcher_main\n"
    "  hlt\n");
#elif defined(__aarch64__)
#define SYS_write 64
#define SYS_execve 221
#define SYS_exit_group 94

static long syscall3(long n, long a, long b, long c) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
  return x0;
}

__asm__(
    ".text\n.global _start\n_start:\n"
    "  mov x29, #0\n"
    "  mov x30, #0\n"
    "  mov x0, sp\n"
    "  bl launcher_main\n"
    "  brk #0\n");
#else
#error \
    "the compiled hook supports x86-64 and AArch64 Linux; build with -DSMOKEHOOK_HOOK_LAUNCHER=OFF"
#endif

static unsigned long length(const char* s) {
  unsigned long n = 0;
  while (s[n]) n++;
  return n;
}

/* "key=value": value, or 0 when `field` is another key. */
static const char* value_of(const char* field, const char* key) {
  while (*key)
    if (*field++ != *key++) return 0;
  return field;
}

static int same(const char* a, const char* b) {
  const char* rest = value_of(a, b);
  return rest && !*rest;
}

static void execute(const char* path, char** argv, char** envp) {
  argv[0] = (char*)path;
  syscall3(SYS_execve, (long)path, (long)argv, (long)envp);
}

/* Tries DIR/smokehook for each DIR of PATH, in order; an empty one is ".", as
 * in a shell. Returns only when none of them could be run. */
static void execute_from_path(char** argv, char** envp) {
  static const char name[] = "/smokehook";
  const char* path = 0;
  for (char** e = envp; *e && !path; e++) path = value_of(*e, "PATH=");
  if (!path) return;
  for (;;) {
    char candidate[4096];
    unsigned long n = 0;
    const char* dir = path;
    while (*path && *path != ':') path++;
    if (path == dir) candidate[n++] = '.';
    if ((unsigned long)(path - dir) + sizeof name < sizeof candidate) {
      for (const char* c = dir; c < path; c++) candidate[n++] = *c;
      for (const char* c = name; *c; c++) candidate[n++] = *c;
      candidate[n] = 0;
      execute(candidate, argv, envp);
    }
    if (!*path) return;
    path++;
  }
}

/* The message, in one write: the hook that cannot run says so and what to do. */
static void explain(const char* hook, const char* bin) {
  char text[SMOKEHOOK_SLOT_SIZE + 512];
  unsigned long n = 0;
  const int server = same(hook, "pre-receive"); /* the pusher cannot skip it: say what holds */
  const char* verb = same(hook, "pre-push")           ? "push"
                     : same(hook, "pre-merge-commit") ? "merge"
                                                      : "commit";
  const char* parts[] = {"smokehook: the ",
                         hook,
                         " hook cannot find smokehook: it is not at ",
                         bin,
                         " (where it was installed from) nor on PATH.\n",
                         "smokehook: reinstall it and run 'smokehook install' again, or run "
                         "'smokehook uninstall' to remove this hook.\n",
                         server ? "smokehook: every push is refused until then." : "smokehook: to ",
                         server ? "" : verb,
                         server ? "" : " once without the hook: git ",
                         server ? "" : verb,
                         server ? "\n" : " --no-verify\n"};
  for (unsigned long i = 0; i < sizeof parts / sizeof parts[0]; i++)
    for (const char* c = parts[i]; *c && n < sizeof text; c++) text[n++] = *c;
  syscall3(SYS_write, 2, (long)text, (long)n);
}

__attribute__((noreturn, used)) void launcher_main(long* stack) {
  long argc = stack[0];
  char** argv = (char**)(stack + 1);
  char** envp = argv + argc + 1;

  /* The compiler must not read the slot as the zeros it was built with. */
  const char* fields = slot;
  __asm__("" : "+r"(fields));
  fields += sizeof SMOKEHOOK_SLOT_HEAD - 1;
  const char* hook = value_of(fields, "hook=");
  const char* bin = hook ? value_of(hook + length(hook) + 1, "bin=") : 0;
  const char* config = bin ? value_of(bin + length(bin) + 1, "config=") : 0; /* optional */
  if (!hook || !bin || argc < 1) {
    static const char broken[] =
        "smokehook: this hook was not written by 'smokehook install'; run it again\n";
    syscall3(SYS_write, 2, (long)broken, sizeof broken - 1);
    syscall3(SYS_exit_group, 2, 0, 0);
    __builtin_unreachable();
  }

  /* smokehook --hook-file HOOK_FILE [--config FILE] --hook HOOK [git's arguments] */
  char* args[argc + 7];
  long n = 1;
  args[n++] = "--hook-file";
  args[n++] = argv[0];
  if (config && *config) {
    args[n++] = "--config";
    args[n++] = (char*)config;
  }
  args[n++] = "--hook";
  args[n++] = (char*)hook;
  for (long i = 1; i <= argc; i++)
    args[n - 1 + i] = argv[i]; /* argv[argc] is the terminating null */

  if (*bin) execute(bin, args, envp);
  execute_from_path(args, envp);
  explain(hook, bin);
  syscall3(SYS_exit_group, 1, 0, 0);
  __builtin_unreachable();
}
