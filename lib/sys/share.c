/* share.c - shared sockets underneath: a table of duplicated descriptors
 * kept under tokens, and the broker that hands them to other processes.
 *
 * Source side: sys__share_put dup()s the descriptor (F_DUPFD_CLOEXEC: the
 * same open file description, so the connection stays open while the share
 * is pending) and files it under a random token with the target pid and an
 * expiry.  One broker thread per process, started with the first share,
 * listens on the abstract AF_UNIX name "ws2posix-share-<pid>" (SOCK_SEQPACKET)
 * and drops expired shares; sys__share_shutdown (the last WSPCleanup) stops
 * it and closes whatever was never claimed.
 *
 * Target side: sys__share_claim takes the share straight from the table
 * when the source is this process; else it connects to the source's broker,
 * checks with SO_PEERCRED that the broker is that pid and this user, sends
 * the token and receives the descriptor with SCM_RIGHTS.  The broker checks
 * the caller the same way: same user, and the pid the share was made for.
 *
 * A share is used once: it leaves the table when it is handed over.
 */
#define _GNU_SOURCE
#include "share.h"
#include "internal.h"
#include "systrace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAGIC 0x77327073u /* "w2ps" */
#define IO_TIMEOUT_MS 5000    /* a claim never waits longer than this */

typedef struct share {
  struct share *next;
  uint64_t token;
  int fd;
  uint32_t target;
  int64_t expires_ms;
  size_t blob_len;
  unsigned char blob[SYS_SHARE_BLOB_MAX];
} share_t;

typedef struct {
  uint32_t magic;
  uint32_t pad;
  uint64_t token;
} request_t;

typedef struct {
  int32_t status; /* 0 or a WSA error */
  uint32_t blob_len;
  unsigned char blob[SYS_SHARE_BLOB_MAX];
} reply_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static share_t *head;
static pid_t owner;          /* the process this state belongs to (fork) */
static int running;          /* broker thread started */
static int stopping;
static pthread_t thread;
static int wake[2] = {-1, -1};
static int listen_fd = -1;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t ttl_ms(void) {
  const char *s = getenv("WS2POSIX_SHARE_TTL_MS");
  if (s && *s) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end == '\0' && v > 0)
      return v;
  }
  return SYS_SHARE_TTL_MS;
}

static socklen_t broker_name(uint32_t pid, struct sockaddr_un *sun) {
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  /* Abstract namespace: sun_path[0] is NUL, the name is not a file. */
  int n = snprintf(sun->sun_path + 1, sizeof sun->sun_path - 1, "ws2posix-share-%u", pid);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static void close_quietly(int fd) {
  if (fd >= 0)
    close(fd);
}

static void free_all(share_t *s) {
  while (s) {
    share_t *next = s->next;
    close_quietly(s->fd);
    free(s);
    s = next;
  }
}

/* Under the lock: a child of fork() inherits a copy of the table and the
 * descriptors, but not the thread. Its copies are its own to close. */
static void adopt_after_fork(void) {
  pid_t me = getpid();
  if (owner == me)
    return;
  if (owner != 0) {
    free_all(head);
    head = NULL;
    close_quietly(listen_fd);
    close_quietly(wake[0]);
    close_quietly(wake[1]);
    listen_fd = wake[0] = wake[1] = -1;
    running = stopping = 0;
  }
  owner = me;
}

static void poke(void) {
  if (wake[1] >= 0) {
    char c = 1;
    ssize_t r = write(wake[1], &c, 1);
    (void)r; /* a full pipe already wakes the thread */
  }
}

/* Under the lock: remove and return the share with token, if any. */
static share_t *take(uint64_t token) {
  for (share_t **p = &head; *p; p = &(*p)->next) {
    if ((*p)->token == token) {
      share_t *s = *p;
      *p = s->next;
      return s;
    }
  }
  return NULL;
}

/* Under the lock: drop expired shares; the time until the next expiry. */
static int sweep(void) {
  int64_t now = now_ms(), next = -1;
  for (share_t **p = &head; *p;) {
    share_t *s = *p;
    if (s->expires_ms <= now) {
      *p = s->next;
      close_quietly(s->fd);
      free(s);
      continue;
    }
    if (next < 0 || s->expires_ms - now < next)
      next = s->expires_ms - now;
    p = &s->next;
  }
  return next < 0 ? -1 : next > 60000 ? 60000 : (int)next + 1;
}

static int peer_cred(int fd, struct ucred *cred) {
  socklen_t len = sizeof *cred;
  int r = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len);
  SYS_TRACE(r, "getsockopt(%d, SOL_SOCKET, SO_PEERCRED, {pid=%ld, uid=%lu}, [%u])", fd,
            r == 0 ? (long)cred->pid : 0L, r == 0 ? (unsigned long)cred->uid : 0ul, (unsigned)len);
  return r == 0 && len == sizeof *cred ? 0 : -1;
}

/* The broker's answer to one caller. */
static void serve(int c) {
  struct pollfd p = {.fd = c, .events = POLLIN};
  if (poll(&p, 1, 1000) <= 0)
    return;
  request_t req;
  ssize_t n = recv(c, &req, sizeof req, MSG_DONTWAIT);
  reply_t rep;
  memset(&rep, 0, sizeof rep);
  rep.status = SYS_WSAEINVAL;
  share_t *s = NULL;
  struct ucred cred;
  if (n == (ssize_t)sizeof req && req.magic == REQ_MAGIC && peer_cred(c, &cred) == 0 &&
      cred.uid == geteuid()) {
    pthread_mutex_lock(&lock);
    for (share_t *t = head; t; t = t->next) {
      /* Only the process the share was made for takes it; anyone else
       * learns nothing and leaves it where it is. */
      if (t->token == req.token && t->target == (uint32_t)cred.pid && t->expires_ms > now_ms()) {
        s = take(req.token);
        break;
      }
    }
    pthread_mutex_unlock(&lock);
  }
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  struct iovec iov = {.iov_base = &rep, .iov_len = sizeof rep};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  if (s) {
    rep.status = 0;
    rep.blob_len = (uint32_t)s->blob_len;
    memcpy(rep.blob, s->blob, s->blob_len);
    memset(&u, 0, sizeof u);
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &s->fd, sizeof(int));
  }
  ssize_t r = sendmsg(c, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)r; /* a caller that went away loses the share: it was used once */
  if (s) {
    close_quietly(s->fd); /* the target holds it now (or nobody does) */
    free(s);
  }
}

static void *broker_main(void *arg) {
  (void)arg;
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  for (;;) {
    pthread_mutex_lock(&lock);
    int timeout = sweep();
    int lfd = listen_fd, quit = stopping;
    pthread_mutex_unlock(&lock);
    if (quit)
      break;
    struct pollfd p[2] = {{.fd = wake[0], .events = POLLIN}, {.fd = lfd, .events = POLLIN}};
    int n = poll(p, lfd >= 0 ? 2 : 1, timeout);
    if (n < 0 && errno != EINTR)
      break;
    if (n <= 0)
      continue;
    if (p[0].revents) {
      char buf[64];
      while (read(wake[0], buf, sizeof buf) > 0) {
      }
    }
    if (lfd >= 0 && (p[1].revents & POLLIN)) {
      int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (c >= 0) {
        serve(c);
        close(c);
      }
    }
  }
  return NULL;
}

/* Under the lock: the thread (for expiry), and the listening socket when a
 * share is for another process. */
static int broker_start(int need_listen) {
  if (!running) {
    int r = pipe2(wake, O_CLOEXEC | O_NONBLOCK);
    SYS_TRACE(r, "pipe2([%d, %d], O_CLOEXEC|O_NONBLOCK)", wake[0], wake[1]);
    if (r != 0)
      return sys__wsa_error(errno);
    stopping = 0;
    if (pthread_create(&thread, NULL, broker_main, NULL) != 0) {
      close(wake[0]);
      close(wake[1]);
      wake[0] = wake[1] = -1;
      return SYS_WSAENOBUFS;
    }
    running = 1;
  }
  if (need_listen && listen_fd < 0) {
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    SYS_TRACE(fd, "socket(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC|SOCK_NONBLOCK, 0)");
    if (fd < 0)
      return sys__wsa_error(errno);
    struct sockaddr_un sun;
    socklen_t len = broker_name((uint32_t)getpid(), &sun);
    int r = bind(fd, (struct sockaddr *)&sun, len);
    SYS_TRACE(r, "bind(%d, %s, %u)", fd, sys__trace_sockaddr((struct sockaddr *)&sun, len), (unsigned)len);
    if (r == 0) {
      r = listen(fd, 16);
      SYS_TRACE(r, "listen(%d, 16)", fd);
    }
    if (r != 0) {
      close(fd);
      return SYS_WSAENETDOWN; /* the name is taken: nobody could reach us */
    }
    listen_fd = fd;
    poke();
  }
  return 0;
}

int sys__share_target_ok(uint32_t pid) {
  if (pid == 0 || pid > (uint32_t)INT32_MAX)
    return SYS_WSAEINVAL;
  if ((pid_t)pid == getpid())
    return 0;
  /* EPERM: the process exists but belongs to another user, and the broker
   * would turn it away: refuse now. */
  int r = kill((pid_t)pid, 0);
  SYS_TRACE(r, "kill(%lu, 0)", (unsigned long)pid);
  return r == 0 ? 0 : SYS_WSAEINVAL;
}

int sys__share_put(int fd, uint32_t target_pid, const void *blob, size_t blob_len, uint64_t *token_out) {
  if (blob_len > SYS_SHARE_BLOB_MAX)
    return SYS_WSAEINVAL;
  share_t *s = calloc(1, sizeof *s);
  if (!s)
    return SYS_WSAENOBUFS;
  s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  SYS_TRACE(s->fd, "fcntl(%d, F_DUPFD_CLOEXEC, 3)", fd);
  if (s->fd < 0) {
    int err = sys__wsa_error(errno);
    free(s);
    return err;
  }
  do {
    if (getrandom(&s->token, sizeof s->token, 0) != (ssize_t)sizeof s->token) {
      close(s->fd);
      free(s);
      return SYS_WSAENOBUFS;
    }
  } while (s->token == 0);
  s->target = target_pid;
  s->expires_ms = now_ms() + ttl_ms();
  s->blob_len = blob_len;
  if (blob_len)
    memcpy(s->blob, blob, blob_len);

  pthread_mutex_lock(&lock);
  adopt_after_fork();
  int err = broker_start((pid_t)target_pid != getpid());
  if (err) {
    pthread_mutex_unlock(&lock);
    close(s->fd);
    free(s);
    return err;
  }
  s->next = head;
  head = s;
  poke(); /* the thread recomputes the next expiry */
  pthread_mutex_unlock(&lock);
  *token_out = s->token;
  return 0;
}

static int claim_local(uint64_t token, int *fd_out, void *blob, size_t *blob_len) {
  pthread_mutex_lock(&lock);
  adopt_after_fork();
  sweep();
  share_t *s = NULL;
  for (share_t *t = head; t; t = t->next)
    if (t->token == token) {
      if (t->target == (uint32_t)getpid())
        s = take(token);
      break;
    }
  pthread_mutex_unlock(&lock);
  if (!s)
    return SYS_WSAEINVAL;
  if (s->blob_len > *blob_len) {
    close(s->fd);
    free(s);
    return SYS_WSAEINVAL;
  }
  *fd_out = s->fd;
  memcpy(blob, s->blob, s->blob_len);
  *blob_len = s->blob_len;
  free(s);
  return 0;
}

static int claim_remote(uint32_t source_pid, uint64_t token, int *fd_out, void *blob, size_t *blob_len) {
  int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  SYS_TRACE(c, "socket(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC, 0)");
  if (c < 0)
    return sys__wsa_error(errno);
  int err = SYS_WSAEINVAL;
  struct timeval tv = {.tv_sec = IO_TIMEOUT_MS / 1000, .tv_usec = 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_un sun;
  socklen_t len = broker_name(source_pid, &sun);
  struct ucred cred;
  request_t req = {.magic = REQ_MAGIC, .pad = 0, .token = token};
  reply_t rep;
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = {.iov_base = &rep, .iov_len = sizeof rep};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  ssize_t n;
  /* No broker (the source has gone, or never shared): not a valid info. */
  int r = connect(c, (struct sockaddr *)&sun, len);
  SYS_TRACE(r, "connect(%d, %s, %u)", c, sys__trace_sockaddr((struct sockaddr *)&sun, len), (unsigned)len);
  if (r != 0)
    goto out;
  /* Whoever answers must be the source process itself, of this user. */
  if (peer_cred(c, &cred) != 0 || (uint32_t)cred.pid != source_pid || cred.uid != geteuid())
    goto out;
  n = send(c, &req, sizeof req, MSG_NOSIGNAL);
  SYS_TRACE(n, "send(%d, {token}, %zu, MSG_NOSIGNAL)", c, sizeof req);
  if (n != (ssize_t)sizeof req)
    goto out;
  do
    n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  SYS_TRACE(n, "recvmsg(%d, {reply, SCM_RIGHTS}, MSG_CMSG_CLOEXEC)", c);
  int fd = -1;
  for (struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
      size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; i++) {
        int got;
        memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof got);
        if (fd < 0)
          fd = got;
        else
          close(got);
      }
    }
  }
  if (n != (ssize_t)sizeof rep || (msg.msg_flags & MSG_CTRUNC) || rep.status != 0 || fd < 0 ||
      rep.blob_len > SYS_SHARE_BLOB_MAX || rep.blob_len > *blob_len) {
    close_quietly(fd);
    goto out;
  }
  memcpy(blob, rep.blob, rep.blob_len);
  *blob_len = rep.blob_len;
  *fd_out = fd;
  err = 0;
out:;
  int rc = close(c);
  SYS_TRACE(rc, "close(%d)", c);
  return err;
}

int sys__share_claim(uint32_t source_pid, uint64_t token, int *fd_out, void *blob, size_t *blob_len) {
  if (token == 0 || source_pid == 0 || source_pid > (uint32_t)INT32_MAX)
    return SYS_WSAEINVAL;
  if ((pid_t)source_pid == getpid())
    return claim_local(token, fd_out, blob, blob_len);
  return claim_remote(source_pid, token, fd_out, blob, blob_len);
}

void sys__share_shutdown(void) {
  pthread_mutex_lock(&lock);
  adopt_after_fork();
  share_t *all = head;
  head = NULL;
  int was_running = running;
  stopping = 1;
  poke();
  pthread_mutex_unlock(&lock);
  if (was_running)
    pthread_join(thread, NULL);
  pthread_mutex_lock(&lock);
  close_quietly(listen_fd);
  close_quietly(wake[0]);
  close_quietly(wake[1]);
  listen_fd = wake[0] = wake[1] = -1;
  running = stopping = 0;
  pthread_mutex_unlock(&lock);
  free_all(all);
}

size_t sys__share_pending(void) {
  size_t n = 0;
  pthread_mutex_lock(&lock);
  adopt_after_fork();
  sweep();
  for (share_t *s = head; s; s = s->next)
    n++;
  pthread_mutex_unlock(&lock);
  return n;
}
