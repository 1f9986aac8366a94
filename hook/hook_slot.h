/* What `smokehook install` writes into the compiled hook (hook/launcher.c),
 * shared by both sides. The launcher carries a zero-filled slot of
 * SMOKEHOOK_SLOT_SIZE bytes that starts with the marker line; install fills
 * the rest of it with two NUL-terminated fields:
 *
 *     "\n# smokehook:managed-hook:v2\n" "hook=pre-commit" '\0' "bin=/abs/path/smokehook" '\0'
 *
 * The marker is a line of its own, so the compiled hook is recognised as
 * smokehook's the same way as the shell one (hook/smokehook-hook.sh). */
#ifndef SMOKEHOOK_HOOK_SLOT_H
#define SMOKEHOOK_HOOK_SLOT_H

#define SMOKEHOOK_HOOK_MARKER "# smokehook:managed-hook:v2"
#define SMOKEHOOK_SLOT_HEAD "\n" SMOKEHOOK_HOOK_MARKER "\n"
#define SMOKEHOOK_SLOT_SIZE 4608 /* PATH_MAX (4096) and room for the rest */

#endif
