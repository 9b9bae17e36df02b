/* strict-init's own exit codes (documented in README.md). The command's own
 * status passes through exec; 126 and 127 follow the shell. */
#ifndef STRICT_EXITCODES_H
#define STRICT_EXITCODES_H

#define EXIT_CHECK_FORBIDDEN 1 /* check: forbidden groups are held */
#define EXIT_USAGE 64          /* malformed configuration or arguments */
#define EXIT_OSERR 71          /* a system call failed or did not verify */
#define EXIT_REFUSED 77        /* the policy refuses to run the command */
#define EXIT_CANNOT_EXEC 126   /* COMMAND found but not executable */
#define EXIT_NOT_FOUND 127     /* COMMAND not found */

#endif
