/*
 * flock(2) for Node.js, through Node-API (ABI-stable: one build serves every Node major).
 *
 * Only the non-blocking form is exported. Waiting is done in JavaScript by polling with a backoff
 * (see src/flock-lock.ts): a blocking flock() would have to park a thread, and the libuv thread
 * pool has only four, which the lock holder itself may need to write the file it guards.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>

#include <node_api.h>

#define CHECK(call)                                                       \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error(env, "CODEX_OAUTH_NAPI", "Node-API call failed: " #call); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

/* Throws an Error whose `code` is the errno name Node uses (EBADF, ENOLCK, ...). */
static napi_value throw_errno(napi_env env, int err, const char *syscall) {
  const char *name = "EIO";
  switch (err) {
    case EBADF: name = "EBADF"; break;
    case EINVAL: name = "EINVAL"; break;
    case ENOLCK: name = "ENOLCK"; break;
    case EINTR: name = "EINTR"; break;
    default: break;
  }
  char message[160];
  snprintf(message, sizeof message, "%s: %s (%s)", syscall, strerror(err), name);
  napi_throw_error(env, name, message);
  return NULL;
}

static int read_fd(napi_env env, napi_callback_info info, bool *exclusive) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return -1;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return -1;
  if (exclusive != NULL) {
    *exclusive = true;
    if (argc >= 2) napi_get_value_bool(env, argv[1], exclusive);
  }
  return fd;
}

/* tryLock(fd, exclusive = true): true when taken, false when another open file holds it. */
static napi_value try_lock(napi_env env, napi_callback_info info) {
  bool exclusive = true;
  int fd = read_fd(env, info, &exclusive);
  if (fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "tryLock(fd, exclusive): fd must be a file descriptor");
    return NULL;
  }
  int rc;
  do {
    rc = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1 && errno != EWOULDBLOCK) return throw_errno(env, errno, "flock");
  napi_value result;
  CHECK(napi_get_boolean(env, rc == 0, &result));
  return result;
}

/* unlock(fd): drops this open file's lock; closing the fd would do the same. */
static napi_value unlock(napi_env env, napi_callback_info info) {
  int fd = read_fd(env, info, NULL);
  if (fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "unlock(fd): fd must be a file descriptor");
    return NULL;
  }
  int rc;
  do {
    rc = flock(fd, LOCK_UN);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1) return throw_errno(env, errno, "flock");
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  CHECK(napi_create_function(env, "tryLock", NAPI_AUTO_LENGTH, try_lock, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "tryLock", fn));
  CHECK(napi_create_function(env, "unlock", NAPI_AUTO_LENGTH, unlock, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "unlock", fn));
  return exports;
}
