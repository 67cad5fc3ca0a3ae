/* rd-report-sender.c: hands a report to the organisation's help desk over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-report-sender"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "rd-json.h"
#include "rd-report-redact.h"
#include "rd-report-sender.h"

/* A report is written to the outbox ($XDG_DATA_HOME/rdp-doctor/outbox, 0700;
 * each file 0600) before anything goes on the wire, and leaves it only when the
 * server answered 2xx: a crash, a timeout or a server error loses nothing, and
 * rd_report_sender_flush_outbox_async() sends what is left.
 *
 * The POST carries the outbox file's bytes as they are (application/json).
 * TLS is verified against the system's trusted authorities (GIO's default
 * GTlsDatabase) unless a database is set; a refused certificate ends the
 * exchange in the handshake, before any of the report is sent. Redirects are
 * not followed: a report goes only where the organisation said. */

struct _RdReportSender
{
  GObject       parent_instance;

  char         *endpoint;
  guint         timeout;          /* seconds, for connecting and for the answer */
  char         *outbox_dir;
  GTlsDatabase *tls_database;     /* NULL: the system's */
  SoupSession  *session;          /* made on first use; dropped when a setting changes */
  GHashTable   *in_flight;        /* outbox paths being posted now */
};

G_DEFINE_FINAL_TYPE (RdReportSender, rd_report_sender, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-report-sender-error-quark, rd_report_sender_error)

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_TIMEOUT,
  PROP_OUTBOX_DIR,
  PROP_TLS_DATABASE,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

/* One POST of one outbox file. */
typedef struct
{
  RdReportSender       *self;
  char                 *path;
  GBytes               *body;
  SoupMessage          *message;
  GCancellable         *cancellable;          /* ours: the deadline cancels it */
  GCancellable         *caller_cancellable;
  gulong                caller_cancelled_id;
  GSource              *deadline;
  gsize                 written;
  gboolean              timed_out;
  gboolean              certificate_refused;
  GTlsCertificateFlags  certificate_errors;
} Post;

typedef struct
{
  char     *dir;
  char     *text;
} Save;

typedef struct
{
  GPtrArray *paths;
  guint      next;
  guint      n_sent;
  GError    *first_error;
} Flush;

static void
emit_progress (RdReportSender    *self,
               RdReportSendStage  stage,
               double             fraction)
{
  g_signal_emit (self, signals[PROGRESS], 0, (guint) stage, fraction);
}

static void
stop_deadline (Post *post)
{
  if (post->deadline != NULL)
    {
      g_source_destroy (post->deadline);
      g_clear_pointer (&post->deadline, g_source_unref);
    }
}

static void
post_free (Post *post)
{
  stop_deadline (post);
  if (post->caller_cancelled_id != 0)
    g_cancellable_disconnect (post->caller_cancellable, post->caller_cancelled_id);
  g_clear_object (&post->caller_cancellable);
  if (post->message != NULL)
    g_signal_handlers_disconnect_by_data (post->message, post);
  g_clear_object (&post->message);
  g_hash_table_remove (post->self->in_flight, post->path);
  g_clear_object (&post->cancellable);
  g_clear_pointer (&post->body, g_bytes_unref);
  g_clear_pointer (&post->path, g_free);
  g_clear_object (&post->self);
  g_free (post);
}

static void
save_free (Save *save)
{
  g_free (save->dir);
  g_free (save->text);
  g_free (save);
}

static void
flush_free (Flush *flush)
{
  g_clear_pointer (&flush->paths, g_ptr_array_unref);
  g_clear_error (&flush->first_error);
  g_free (flush);
}

static char *
endpoint_host (const char *endpoint)
{
  g_autoptr(GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : endpoint);
}

static gboolean
check_endpoint (const char  *endpoint,
                GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (endpoint == NULL || endpoint[0] == '\0')
    {
      g_set_error_literal (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_NO_ENDPOINT,
                           _("Your organisation has not set up where reports go"));
      return FALSE;
    }
  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_INVALID_ENDPOINT,
                   _("Reports are only sent to an https:// address, and “%s” is not one"), endpoint);
      return FALSE;
    }
  return TRUE;
}

/* "not signed by an authority this computer trusts", … */
static char *
describe_certificate_errors (GTlsCertificateFlags  errors,
                             const char           *host)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (reasons, g_strdup (_("it is not signed by an authority this computer trusts")));
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (reasons, g_strdup_printf (_("it was issued for another name than “%s”"), host));
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (reasons, g_strdup (_("it is not valid yet (is this computer’s clock right?)")));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (reasons, g_strdup (_("it has expired")));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (reasons, g_strdup (_("it has been revoked")));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (reasons, g_strdup (_("it uses an insecure algorithm")));
  if (reasons->len == 0)
    g_ptr_array_add (reasons, g_strdup (_("it could not be checked")));
  g_ptr_array_add (reasons, NULL);

  /* Translators: joins reasons a certificate was refused, as in "it has expired; it was issued for another name" */
  return g_strjoinv (_("; "), (char **) reasons->pdata);
}

/* Outbox --------------------------------------------------------------------- */

/* The outbox file's name sorts by time: 20261121T101530.123456Z.json */
static char *
outbox_save (const char  *dir,
             const char  *text,
             GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  int saved_errno;

  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_OUTBOX,
                   _("The report could not be kept in %s: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  /* Reserve a name nobody has, then fill it atomically. */
  for (guint n = 0; ; n++)
    {
      g_autofree char *name = n == 0
        ? g_strdup_printf ("%s.%06dZ.json", stamp, g_date_time_get_microsecond (now))
        : g_strdup_printf ("%s.%06dZ-%u.json", stamp, g_date_time_get_microsecond (now), n);
      int fd;

      g_free (path);
      path = g_build_filename (dir, name, NULL);
      fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          close (fd);
          break;
        }
      saved_errno = errno;
      if (saved_errno != EEXIST || n >= 1000)
        {
          g_set_error (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_OUTBOX,
                       _("The report could not be kept in %s: %s"), dir, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_unlink (path);
      g_set_error (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_OUTBOX,
                   _("The report could not be kept in %s: %s"), dir, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Save *save = task_data;
  g_autoptr(GError) error = NULL;
  char *path = outbox_save (save->dir, save->text, &error);

  if (path == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, path, g_free);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
outbox_list (const char *dir)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return paths;
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".json") && name[0] != '.')
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  return paths;
}

/* POST ----------------------------------------------------------------------- */

static SoupSession *
ensure_session (RdReportSender *self)
{
  if (self->session == NULL)
    {
      self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                     "user-agent", "rdp-doctor/" PACKAGE_VERSION " ",
                                                     NULL);
      if (self->tls_database != NULL)
        soup_session_set_tls_database (self->session, self->tls_database);
    }
  return self->session;
}

static gboolean
deadline_cb (gpointer user_data)
{
  Post *post = user_data;

  post->timed_out = TRUE;
  g_clear_pointer (&post->deadline, g_source_unref);
  g_cancellable_cancel (post->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Post *post = user_data;

  post->certificate_refused = TRUE;
  post->certificate_errors = errors;
  return FALSE;
}

static void
wrote_headers_cb (SoupMessage *message,
                  gpointer     user_data)
{
  Post *post = user_data;

  emit_progress (post->self, RD_REPORT_SEND_STAGE_SENDING, 0.0);
}

static void
wrote_body_data_cb (SoupMessage *message,
                    guint        chunk_size,
                    gpointer     user_data)
{
  Post *post = user_data;
  gsize total = g_bytes_get_size (post->body);

  post->written += chunk_size;
  emit_progress (post->self, RD_REPORT_SEND_STAGE_SENDING,
                 total > 0 ? MIN (1.0, (double) post->written / (double) total) : 1.0);
}

static void
wrote_body_cb (SoupMessage *message,
               gpointer     user_data)
{
  Post *post = user_data;

  emit_progress (post->self, RD_REPORT_SEND_STAGE_WAITING, 1.0);
}

static GError *
explain_failure (Post   *post,
                 GError *error)
{
  g_autofree char *host = endpoint_host (post->self->endpoint);

  if (post->certificate_refused ||
      g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    {
      g_autofree char *reasons = describe_certificate_errors (post->certificate_errors, host);

      return g_error_new (RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_CERTIFICATE,
                          _("The help desk server’s certificate was refused: %s. Nothing was sent; "
                            "the report is kept and will be sent once the server can be trusted."),
                          reasons);
    }
  if (post->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_TIMEOUT,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The help desk server %s did not answer within %u second. "
                                     "The report is kept and will be sent later.",
                                     "The help desk server %s did not answer within %u seconds. "
                                     "The report is kept and will be sent later.",
                                     post->self->timeout),
                        host, post->self->timeout);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_NETWORK,
                        _("No secure connection to the help desk server %s could be made (%s). "
                          "The report is kept and will be sent later."),
                        host, error->message);
  return g_error_new (RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_NETWORK,
                      _("The help desk server %s could not be reached (%s). "
                        "The report is kept and will be sent later."),
                      host, error->message);
}

static void
posted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Post *post = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint status;

  answer = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  stop_deadline (post);

  if (answer == NULL)
    {
      g_task_return_error (task, explain_failure (post, error));
      return;
    }

  status = soup_message_get_status (post->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *reason = soup_message_get_reason_phrase (post->message);

      if (reason == NULL || reason[0] == '\0')
        reason = soup_status_get_phrase (status);
      g_task_return_new_error (task, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_HTTP,
                               _("The help desk server answered “%u %s” instead of taking the report. "
                                 "The report is kept and will be sent later."),
                               status, reason != NULL ? reason : "");
      return;
    }

  if (g_unlink (post->path) != 0 && errno != ENOENT)
    g_message ("%s was sent but could not be removed from the outbox: %s", post->path, g_strerror (errno));
  g_debug ("%s: accepted with %u", post->path, status);
  emit_progress (post->self, RD_REPORT_SEND_STAGE_DONE, 1.0);
  g_task_return_boolean (task, TRUE);
}

static void
post_async (RdReportSender      *self,
            const char          *path,
            GBytes              *body,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  Post *post;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, post_async);

  post = g_new0 (Post, 1);
  post->self = g_object_ref (self);
  post->path = g_strdup (path);
  post->body = g_bytes_ref (body);
  post->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, post, (GDestroyNotify) post_free);
  g_hash_table_add (self->in_flight, g_strdup (path));

  if (cancellable != NULL)
    {
      post->caller_cancellable = g_object_ref (cancellable);
      post->caller_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                         g_object_ref (post->cancellable),
                                                         g_object_unref);
    }

  uri = g_uri_parse (self->endpoint, SOUP_HTTP_URI_FLAGS, NULL);
  g_assert (uri != NULL);   /* check_endpoint() passed */
  post->message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  soup_message_add_flags (post->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (post->message, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (post->message),
                                "Accept", "application/json");
  g_signal_connect (post->message, "accept-certificate", G_CALLBACK (accept_certificate_cb), post);
  g_signal_connect (post->message, "wrote-headers", G_CALLBACK (wrote_headers_cb), post);
  g_signal_connect (post->message, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), post);
  g_signal_connect (post->message, "wrote-body", G_CALLBACK (wrote_body_cb), post);

  /* The session's timeout bounds each wait; this bounds the whole exchange. */
  post->deadline = g_timeout_source_new_seconds (self->timeout);
  g_source_set_callback (post->deadline, deadline_cb, post, NULL);
  g_source_attach (post->deadline, g_task_get_context (task));

  emit_progress (self, RD_REPORT_SEND_STAGE_CONNECTING, 0.0);
  soup_session_send_and_read_async (ensure_session (self), post->message, G_PRIORITY_DEFAULT,
                                    post->cancellable, posted_cb, g_steal_pointer (&task));
}

static gboolean
post_finish (RdReportSender  *self,
             GAsyncResult    *result,
             GError         **error)
{
  g_assert (g_task_is_valid (result, self));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Send ----------------------------------------------------------------------- */

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!post_finish (RD_REPORT_SENDER (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  RdReportSender *self = RD_REPORT_SENDER (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  Save *save = g_task_get_task_data (G_TASK (result));
  g_autoptr(GBytes) body = NULL;

  if (path == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  emit_progress (self, RD_REPORT_SEND_STAGE_SAVED, 0.0);
  if (g_task_return_error_if_cancelled (task))
    return;

  body = g_bytes_new (save->text, strlen (save->text));
  post_async (self, path, body, g_task_get_cancellable (task), sent_cb, g_object_ref (task));
}

/**
 * rd_report_sender_send_async:
 * @report: the report (rd_diagnosis_to_json())
 * @redact: whether to leave names out first (rd_report_redact())
 *
 * Keeps the report in the outbox, then posts it to the endpoint. Progress is
 * told by #RdReportSender::progress.
 */
void
rd_report_sender_send_async (RdReportSender      *self,
                             JsonNode            *report,
                             gboolean             redact,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) save_task = NULL;
  g_autoptr(JsonNode) redacted = NULL;
  g_autoptr(GError) error = NULL;
  Save *save;

  g_return_if_fail (RD_IS_REPORT_SENDER (self));
  g_return_if_fail (report != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_report_sender_send_async);

  if (!check_endpoint (self->endpoint, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (redact)
    redacted = rd_report_redact (report);

  save = g_new0 (Save, 1);
  save->dir = g_strdup (self->outbox_dir);
  save->text = rd_json_to_string (redacted != NULL ? redacted : report, TRUE);

  save_task = g_task_new (self, cancellable, saved_cb, g_steal_pointer (&task));
  g_task_set_source_tag (save_task, outbox_save);
  g_task_set_task_data (save_task, save, (GDestroyNotify) save_free);
  g_task_run_in_thread (save_task, save_in_thread);
}

/**
 * rd_report_sender_send_finish:
 *
 * Returns: %TRUE when the server accepted the report (and it left the
 *   outbox); %FALSE with @error set otherwise, in the #RD_REPORT_SENDER_ERROR
 *   domain, or %G_IO_ERROR_CANCELLED
 */
gboolean
rd_report_sender_send_finish (RdReportSender  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Flush ---------------------------------------------------------------------- */

static void flush_next (GTask *task);

static void
flushed_one_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Flush *flush = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (post_finish (RD_REPORT_SENDER (object), result, &error))
    {
      flush->n_sent++;
    }
  else if (g_error_matches (error, RD_REPORT_SENDER_ERROR, RD_REPORT_SENDER_ERROR_HTTP))
    {
      /* The server took no offence at the connection: try the others. */
      if (flush->first_error == NULL)
        flush->first_error = g_steal_pointer (&error);
    }
  else
    {
      /* Unreachable, untrusted, timed out or cancelled: the rest would fail alike. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  flush_next (g_steal_pointer (&task));
}

static void
flush_next (GTask *task)
{
  RdReportSender *self = g_task_get_source_object (task);
  Flush *flush = g_task_get_task_data (task);

  while (flush->next < flush->paths->len)
    {
      const char *path = g_ptr_array_index (flush->paths, flush->next++);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = NULL;
      g_autofree char *text = NULL;
      gsize length = 0;

      /* A send in progress posts it itself. */
      if (g_hash_table_contains (self->in_flight, path))
        continue;
      if (!g_file_get_contents (path, &text, &length, &error))
        {
          if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_message ("%s: cannot be read (%s); left in the outbox", path, error->message);
          continue;
        }
      /* Empty: a send is still writing it. */
      if (length == 0)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, text, length, &error))
        {
          g_message ("%s: not a JSON report (%s); left in the outbox, not sent", path, error->message);
          continue;
        }

      {
        g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), length);

        post_async (self, path, body, g_task_get_cancellable (task), flushed_one_cb, task);
      }
      return;
    }

  if (flush->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&flush->first_error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * rd_report_sender_flush_outbox_async:
 *
 * Posts every report left in the outbox, oldest first. It stops at the first
 * one that cannot be delivered for a reason all would share (unreachable,
 * timeout, certificate); a report the server refuses does not hold up the others.
 */
void
rd_report_sender_flush_outbox_async (RdReportSender      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Flush *flush;

  g_return_if_fail (RD_IS_REPORT_SENDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_report_sender_flush_outbox_async);

  flush = g_new0 (Flush, 1);
  flush->paths = outbox_list (self->outbox_dir);
  g_task_set_task_data (task, flush, (GDestroyNotify) flush_free);

  if (flush->paths->len > 0 && !check_endpoint (self->endpoint, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  flush_next (g_steal_pointer (&task));
}

/**
 * rd_report_sender_flush_outbox_finish:
 * @n_sent: (out) (optional): how many reports the server accepted
 *
 * Returns: %TRUE when the outbox was emptied of everything that could be read
 */
gboolean
rd_report_sender_flush_outbox_finish (RdReportSender  *self,
                                      GAsyncResult    *result,
                                      guint           *n_sent,
                                      GError         **error)
{
  Flush *flush;

  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  flush = g_task_get_task_data (G_TASK (result));
  if (n_sent != NULL)
    *n_sent = flush->n_sent;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * rd_report_sender_list_outbox:
 *
 * Returns: (transfer full): the reports waiting in the outbox, oldest first
 */
GStrv
rd_report_sender_list_outbox (RdReportSender *self)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), NULL);

  paths = outbox_list (self->outbox_dir);
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

/* GObject -------------------------------------------------------------------- */

static void
rd_report_sender_dispose (GObject *object)
{
  RdReportSender *self = (RdReportSender *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (rd_report_sender_parent_class)->dispose (object);
}

static void
rd_report_sender_finalize (GObject *object)
{
  RdReportSender *self = (RdReportSender *) object;

  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->outbox_dir, g_free);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);

  G_OBJECT_CLASS (rd_report_sender_parent_class)->finalize (object);
}

static void
rd_report_sender_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RdReportSender *self = RD_REPORT_SENDER (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_OUTBOX_DIR:
      g_value_set_string (value, self->outbox_dir);
      break;
    case PROP_TLS_DATABASE:
      g_value_set_object (value, self->tls_database);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_report_sender_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RdReportSender *self = RD_REPORT_SENDER (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_free (self->endpoint);
      self->endpoint = g_strdup (g_value_get_string (value));
      if (self->endpoint != NULL)
        g_strstrip (self->endpoint);
      break;
    case PROP_TIMEOUT:
      rd_report_sender_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_OUTBOX_DIR:
      rd_report_sender_set_outbox_dir (self, g_value_get_string (value));
      break;
    case PROP_TLS_DATABASE:
      rd_report_sender_set_tls_database (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_report_sender_class_init (RdReportSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rd_report_sender_dispose;
  object_class->finalize = rd_report_sender_finalize;
  object_class->get_property = rd_report_sender_get_property;
  object_class->set_property = rd_report_sender_set_property;

  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, RD_REPORT_SENDER_DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OUTBOX_DIR] =
    g_param_spec_string ("outbox-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RdReportSender::progress:
   * @stage: an #RdReportSendStage
   * @fraction: during %RD_REPORT_SEND_STAGE_SENDING, how much of the report went (0 to 1)
   *
   * Emitted on the thread-default main context of the send or flush call.
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
}

static void
rd_report_sender_init (RdReportSender *self)
{
  self->timeout = RD_REPORT_SENDER_DEFAULT_TIMEOUT;
  self->outbox_dir = g_build_filename (g_get_user_data_dir (), "rdp-doctor", "outbox", NULL);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Public API ----------------------------------------------------------------- */

/**
 * rd_report_sender_new:
 * @endpoint: (nullable): the https:// address reports go to
 *   (rd_org_config_get_report_endpoint())
 */
RdReportSender *
rd_report_sender_new (const char *endpoint)
{
  return g_object_new (RD_TYPE_REPORT_SENDER, "endpoint", endpoint, NULL);
}

const char *
rd_report_sender_get_endpoint (RdReportSender *self)
{
  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), NULL);
  return self->endpoint;
}

guint
rd_report_sender_get_timeout (RdReportSender *self)
{
  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), 0);
  return self->timeout;
}

/**
 * rd_report_sender_set_timeout:
 * @seconds: how long connecting, and then waiting for the answer, may take
 */
void
rd_report_sender_set_timeout (RdReportSender *self,
                              guint           seconds)
{
  g_return_if_fail (RD_IS_REPORT_SENDER (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_clear_object (&self->session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

const char *
rd_report_sender_get_outbox_dir (RdReportSender *self)
{
  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), NULL);
  return self->outbox_dir;
}

/**
 * rd_report_sender_set_outbox_dir:
 * @path: (nullable): where unsent reports wait; %NULL for
 *   $XDG_DATA_HOME/rdp-doctor/outbox
 */
void
rd_report_sender_set_outbox_dir (RdReportSender *self,
                                 const char     *path)
{
  g_autofree char *dir = NULL;

  g_return_if_fail (RD_IS_REPORT_SENDER (self));

  dir = path != NULL ? g_strdup (path)
                     : g_build_filename (g_get_user_data_dir (), "rdp-doctor", "outbox", NULL);
  if (g_strcmp0 (self->outbox_dir, dir) == 0)
    return;
  g_free (self->outbox_dir);
  self->outbox_dir = g_steal_pointer (&dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_DIR]);
}

GTlsDatabase *
rd_report_sender_get_tls_database (RdReportSender *self)
{
  g_return_val_if_fail (RD_IS_REPORT_SENDER (self), NULL);
  return self->tls_database;
}

/**
 * rd_report_sender_set_tls_database:
 * @database: (nullable): the authorities to trust instead of the system's;
 *   for tests against a local server with their own authority
 */
void
rd_report_sender_set_tls_database (RdReportSender *self,
                                   GTlsDatabase   *database)
{
  g_return_if_fail (RD_IS_REPORT_SENDER (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (!g_set_object (&self->tls_database, database))
    return;
  g_clear_object (&self->session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_DATABASE]);
}
