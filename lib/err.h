/*
 * err.h - the error classes every lib/ module returns.
 *
 * 0 means success and a negative value means failure.  Readers follow
 * read(2): 1 = got one, 0 = clean end of input, < 0 = one of these.  The class
 * decides the exit code (see cli_exit_code()), so keep them apart.
 */
#ifndef PTK_ERR_H
#define PTK_ERR_H

enum ptk_err {
	PTK_OK = 0,
	PTK_EIO = -1,		/* open/read/write failed; errno kept -> exit 3 */
	PTK_EFORMAT = -2,	/* bad input data -> exit 1 */
	PTK_ELIMIT = -3,	/* input over a hard cap -> exit 1 */
	PTK_EAPI = -4,		/* misuse of an API: a bug -> exit 3 */
	PTK_ENOMEM = -5,	/* out of memory where the caller can recover -> exit 3 */
};

/* Short name of an error class, such as "format error". */
const char *ptk_strerror(int err);

#endif
