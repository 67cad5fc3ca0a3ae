/* rd-dns-cache.c: flushes this computer's cache of looked-up names
 *
 * The guided action behind "flush-dns" in the catalog: the same as
 * `resolvectl flush-caches`, through systemd-resolved's D-Bus interface on the
 * system bus, so that no shell and no privileges of our own are involved.
 * resolved (or polkit) decides who may flush; a prompt can appear, so the
 * call may wait for the user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-dns-cache"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-dns-cache.h"

#define RESOLVED_NAME      "org.freedesktop.resolve1"
#define RESOLVED_PATH      "/org/freedesktop/resolve1"
#define RESOLVED_INTERFACE "org.freedesktop.resolve1.Manager"

/* Long enough for the user to answer a polkit prompt */
#define FLUSH_TIMEOUT_MS (2 * 60 * 1000)

struct _RdDnsCache
{
  GObject          parent_instance;

  GDBusConnection *connection;   /* NULL: the system bus, fetched per call */
};

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (RdDnsCache, rd_dns_cache, G_TYPE_OBJECT)
G_DEFINE_QUARK (rd-dns-cache-error-quark, rd_dns_cache_error)

static GParamSpec *properties [N_PROPS];

/* D-Bus errors that mean nobody is there to flush */
static const char * const absent_errors[] = {
  "org.freedesktop.DBus.Error.ServiceUnknown",
  "org.freedesktop.DBus.Error.NameHasNoOwner",
  "org.freedesktop.DBus.Error.UnknownObject",
  "org.freedesktop.DBus.Error.UnknownInterface",
  "org.freedesktop.DBus.Error.UnknownMethod",
  "org.freedesktop.systemd1.NoSuchUnit",
  "org.freedesktop.systemd1.UnitMasked",
  NULL
};

/* … and those that mean we were not allowed to */
static const char * const refused_errors[] = {
  "org.freedesktop.DBus.Error.AccessDenied",
  "org.freedesktop.DBus.Error.AuthFailed",
  "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired",
  "org.freedesktop.PolicyKit1.Error.NotAuthorized",
  "org.freedesktop.PolicyKit1.Error.Cancelled",
  NULL
};

/* Turns a bus error into one the wizard can explain; cancellation stays */
static GError *
translate_error (GError *error)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if ((remote != NULL && (g_strv_contains (absent_errors, remote) ||
                          g_str_has_prefix (remote, "org.freedesktop.DBus.Error.Spawn."))) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return g_error_new (RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_RUNNING,
                        _("systemd-resolved is not running here, so there is no cache of its to flush. This computer keeps looked-up names elsewhere (for example nscd or dnsmasq), or not at all."));

  if ((remote != NULL && g_strv_contains (refused_errors, remote)) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    return g_error_new (RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_ALLOWED,
                        _("This computer does not allow you to flush its cache of looked-up names. An administrator can run “resolvectl flush-caches”."));

  if (remote != NULL)
    g_dbus_error_strip_remote_error (error);
  return g_error_new (RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_FAILED,
                      _("systemd-resolved could not flush its cache: %s"), error->message);
}

static void
flush_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  g_debug ("systemd-resolved flushed its caches");
  g_task_return_boolean (task, TRUE);
}

static void
call_flush (GTask           *task,
            GDBusConnection *connection)
{
  g_dbus_connection_call (connection, RESOLVED_NAME, RESOLVED_PATH, RESOLVED_INTERFACE,
                          "FlushCaches", NULL, G_VARIANT_TYPE_UNIT,
                          G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          FLUSH_TIMEOUT_MS, g_task_get_cancellable (task),
                          flush_done_cb, task);
}

static void
bus_got_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, RD_DNS_CACHE_ERROR, RD_DNS_CACHE_ERROR_NOT_RUNNING,
                                 _("The system bus is not available, so systemd-resolved cannot be asked to flush its cache: %s"),
                                 error->message);
      g_object_unref (task);
      return;
    }
  call_flush (task, bus);
}

static void
rd_dns_cache_dispose (GObject *object)
{
  RdDnsCache *self = (RdDnsCache *)object;

  g_clear_object (&self->connection);

  G_OBJECT_CLASS (rd_dns_cache_parent_class)->dispose (object);
}

static void
rd_dns_cache_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  RdDnsCache *self = RD_DNS_CACHE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_dns_cache_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  RdDnsCache *self = RD_DNS_CACHE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_dns_cache_class_init (RdDnsCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rd_dns_cache_dispose;
  object_class->get_property = rd_dns_cache_get_property;
  object_class->set_property = rd_dns_cache_set_property;

  /**
   * RdDnsCache:connection: (nullable)
   *
   * The bus systemd-resolved is on; %NULL for the system bus.
   */
  properties [PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rd_dns_cache_init (RdDnsCache *self)
{
}

/**
 * rd_dns_cache_new:
 *
 * Returns: (transfer full): the cache of systemd-resolved on the system bus
 */
RdDnsCache *
rd_dns_cache_new (void)
{
  return g_object_new (RD_TYPE_DNS_CACHE, NULL);
}

/**
 * rd_dns_cache_new_for_connection:
 * @connection: the bus to find systemd-resolved on (tests use their own)
 *
 * Returns: (transfer full): the cache
 */
RdDnsCache *
rd_dns_cache_new_for_connection (GDBusConnection *connection)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  return g_object_new (RD_TYPE_DNS_CACHE, "connection", connection, NULL);
}

/**
 * rd_dns_cache_flush_async:
 *
 * Asks systemd-resolved to forget every name it looked up. The system may ask
 * the user for a password first (polkit), so this can take a while.
 */
void
rd_dns_cache_flush_async (RdDnsCache          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (RD_IS_DNS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_dns_cache_flush_async);

  /* the task's reference travels with the calls and is dropped at the end */
  if (self->connection != NULL)
    call_flush (task, self->connection);
  else
    g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, bus_got_cb, task);
}

/**
 * rd_dns_cache_flush_finish:
 *
 * Returns: %TRUE when the cache was flushed; %FALSE with @error set, in
 *   %RD_DNS_CACHE_ERROR (not running, not allowed, failed) or
 *   %G_IO_ERROR_CANCELLED
 */
gboolean
rd_dns_cache_flush_finish (RdDnsCache    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (RD_IS_DNS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
