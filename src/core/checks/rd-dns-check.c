/* rd-dns-check.c: resolve the target's name (A and AAAA) and each address back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-dns-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-json.h"
#include "rd-dns-check.h"
#include "rd-net.h"
#include "rd-target.h"

struct _RdDnsCheck
{
  RdCheck parent_instance;
};

G_DEFINE_FINAL_TYPE (RdDnsCheck, rd_dns_check, RD_TYPE_CHECK)

/* Reverse names are a nicety for the report: they may not eat the time the
 * forward lookup left, so they get at most this much. */
#define REVERSE_BUDGET_US (1500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  guint       pending;
  GList      *addresses[2];   /* GInetAddress: [0] IPv4, [1] IPv6 */
  GError     *errors[2];
} Forward;

typedef struct
{
  guint       pending;
  GPtrArray  *names;          /* char *, or NULL where no name came back */
} Reverse;

typedef struct
{
  gpointer    owner;          /* Forward or Reverse */
  guint       index;
} Slot;

static gboolean
forward_is_done (gpointer data)
{
  return ((Forward *) data)->pending == 0;
}

static gboolean
reverse_is_done (gpointer data)
{
  return ((Reverse *) data)->pending == 0;
}

static void
forward_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree Slot *slot = user_data;
  Forward *forward = slot->owner;

  forward->addresses[slot->index] =
    g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (source_object), result,
                                                 &forward->errors[slot->index]);
  forward->pending--;
}

static void
reverse_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree Slot *slot = user_data;
  Reverse *reverse = slot->owner;

  g_ptr_array_index (reverse->names, slot->index) =
    g_resolver_lookup_by_address_finish (G_RESOLVER (source_object), result, NULL);
  reverse->pending--;
}

static Slot *
slot_new (gpointer owner,
          guint    index)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->owner = owner;
  slot->index = index;
  return slot;
}

static JsonObject *
address_to_json (GInetAddress *address,
                 const char   *reverse)
{
  JsonObject *object = json_object_new ();
  g_autofree char *text = g_inet_address_to_string (address);

  json_object_set_string_member (object, "address", text);
  json_object_set_string_member (object, "family",
                                 g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
                                   ? "ipv6" : "ipv4");
  rd_json_set_string_or_null (object, "reverse", reverse);
  return object;
}

static char *
join_addresses (GPtrArray *addresses)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < addresses->len && i < 4; i++)
    {
      g_autofree char *one = g_inet_address_to_string (g_ptr_array_index (addresses, i));

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, one);
    }
  if (addresses->len > 4)
    g_string_append_printf (text, " (+%u)", addresses->len - 4);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * rd_dns_resolve:
 * @host: a name to look up (not an address)
 * @deadline_us: monotonic time by which the answers must be in
 * @answer: (out caller-allocates): what came back; free with rd_dns_answer_clear()
 *
 * Looks up A and AAAA at once. The worker thread has no main loop: the lookups
 * run on a private context that this thread iterates until the answers, the
 * deadline or a cancel.
 */
void
rd_dns_resolve (const char   *host,
                gint64        deadline_us,
                GCancellable *cancellable,
                RdDnsAnswer  *answer)
{
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GCancellable) lookups = g_cancellable_new ();
  gint64 started = g_get_monotonic_time ();
  Forward forward = { 0, };

  memset (answer, 0, sizeof *answer);
  answer->addresses = g_ptr_array_new_with_free_func (g_object_unref);

  g_main_context_push_thread_default (main_context);
  resolver = g_resolver_get_default ();

  forward.pending = 2;
  g_resolver_lookup_by_name_with_flags_async (resolver, host, G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY,
                                              lookups, forward_done_cb, slot_new (&forward, 0));
  g_resolver_lookup_by_name_with_flags_async (resolver, host, G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY,
                                              lookups, forward_done_cb, slot_new (&forward, 1));
  answer->answered = rd_net_wait_until (main_context, forward_is_done, &forward, deadline_us, cancellable);
  answer->lookup_ms = (double) (g_get_monotonic_time () - started) / 1000.0;

  /* Let the cancelled lookups call back so that nothing refers to this stack frame. */
  g_cancellable_cancel (lookups);
  rd_net_wait_until (main_context, forward_is_done, &forward, g_get_monotonic_time () + G_USEC_PER_SEC, NULL);
  g_main_context_pop_thread_default (main_context);

  for (guint family = 0; family < 2; family++)
    {
      for (GList *l = forward.addresses[family]; l != NULL; l = l->next)
        g_ptr_array_add (answer->addresses, g_object_ref (l->data));
      g_list_free_full (forward.addresses[family], g_object_unref);
      answer->errors[family] = forward.errors[family];
    }
}

void
rd_dns_answer_clear (RdDnsAnswer *answer)
{
  g_clear_pointer (&answer->addresses, g_ptr_array_unref);
  g_clear_error (&answer->errors[0]);
  g_clear_error (&answer->errors[1]);
}

/**
 * rd_dns_answer_get_failure:
 *
 * Returns: (nullable): why no address came back, as a report key: "timeout",
 *   "server-failure" or "not-found"; %NULL when there are addresses
 */
const char *
rd_dns_answer_get_failure (const RdDnsAnswer *answer)
{
  if (answer->addresses != NULL && answer->addresses->len > 0)
    return NULL;
  if (!answer->answered)
    return "timeout";
  if (g_error_matches (answer->errors[0], G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE) ||
      g_error_matches (answer->errors[1], G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    return "server-failure";
  return "not-found";
}

static RdCheckResult *
rd_dns_check_run (RdCheck        *check,
                  RdCheckContext *context,
                  GCancellable   *cancellable)
{
  RdTarget *target = rd_check_context_get_target (context);
  const char *host = rd_target_get_host (target);
  gint64 deadline = rd_check_context_get_deadline (context);
  g_autoptr(GMainContext) main_context = NULL;
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GCancellable) lookups = NULL;
  GPtrArray *addresses;
  JsonObject *evidence = json_object_new ();
  JsonArray *list = json_array_new ();
  RdDnsAnswer answer;
  Reverse reverse = { 0, };
  const char *failure;

  json_object_set_string_member (evidence, "query", host);
  json_object_set_boolean_member (evidence, "ip_literal", rd_target_is_ip_literal (target));
  json_object_set_array_member (evidence, "addresses", list);

  if (rd_target_is_ip_literal (target))
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

      json_array_add_object_element (list, address_to_json (address, NULL));
      json_object_set_double_member (evidence, "lookup_ms", 0);
      return rd_check_result_new_take ("dns", RD_CHECK_STATUS_PASS,
                                       g_strdup_printf (_("%s is an address: no name to look up"), host),
                                       evidence);
    }

  rd_dns_resolve (host, deadline, cancellable, &answer);
  addresses = answer.addresses;
  json_object_set_double_member (evidence, "lookup_ms", answer.lookup_ms);

  if (addresses->len > 0)
    {
      gint64 reverse_deadline = MIN (deadline - 50 * G_TIME_SPAN_MILLISECOND,
                                     g_get_monotonic_time () + REVERSE_BUDGET_US);

      main_context = g_main_context_new ();
      g_main_context_push_thread_default (main_context);
      resolver = g_resolver_get_default ();
      lookups = g_cancellable_new ();

      reverse.names = g_ptr_array_new_full (addresses->len, g_free);
      g_ptr_array_set_size (reverse.names, addresses->len);
      reverse.pending = addresses->len;
      for (guint i = 0; i < addresses->len; i++)
        g_resolver_lookup_by_address_async (resolver, g_ptr_array_index (addresses, i), lookups,
                                            reverse_done_cb, slot_new (&reverse, i));
      rd_net_wait_until (main_context, reverse_is_done, &reverse, reverse_deadline, cancellable);
      for (guint i = 0; i < addresses->len; i++)
        json_array_add_object_element (list, address_to_json (g_ptr_array_index (addresses, i),
                                                              g_ptr_array_index (reverse.names, i)));

      /* Let the cancelled lookups call back so that nothing refers to this stack frame. */
      g_cancellable_cancel (lookups);
      rd_net_wait_until (main_context, reverse_is_done, &reverse, g_get_monotonic_time () + G_USEC_PER_SEC, NULL);
      g_main_context_pop_thread_default (main_context);
      g_clear_pointer (&reverse.names, g_ptr_array_unref);
    }

  for (guint family = 0; family < 2; family++)
    if (answer.errors[family] != NULL)
      json_object_set_string_member (evidence, family == 0 ? "ipv4_error" : "ipv6_error",
                                     answer.errors[family]->message);

  failure = rd_dns_answer_get_failure (&answer);
  if (failure == NULL)
    {
      g_autofree char *joined = join_addresses (addresses);
      g_autofree char *time_text = rd_format_ms (answer.lookup_ms);

      rd_dns_answer_clear (&answer);
      return rd_check_result_new_take ("dns", RD_CHECK_STATUS_PASS,
                                       g_strdup_printf (_("%s is %s (%s ms)"),
                                                        rd_target_get_display_host (target),
                                                        joined, time_text),
                                       evidence);
    }

  rd_dns_answer_clear (&answer);
  json_object_set_string_member (evidence, "failure", failure);
  if (g_str_equal (failure, "timeout"))
    return rd_check_result_new_take ("dns", RD_CHECK_STATUS_FAIL,
                                     g_strdup_printf (_("No answer about %s from the name servers in time"),
                                                      rd_target_get_display_host (target)),
                                     evidence);
  return rd_check_result_new_take ("dns", RD_CHECK_STATUS_FAIL,
                                   g_str_equal (failure, "server-failure")
                                     ? g_strdup_printf (_("The name servers could not look up %s"),
                                                        rd_target_get_display_host (target))
                                     : g_strdup_printf (_("No computer called %s is known to the name servers"),
                                                        rd_target_get_display_host (target)),
                                   evidence);
}

static void
rd_dns_check_class_init (RdDnsCheckClass *klass)
{
  RD_CHECK_CLASS (klass)->run = rd_dns_check_run;
}

static void
rd_dns_check_init (RdDnsCheck *self)
{
}

RdCheck *
rd_dns_check_new (void)
{
  return g_object_new (RD_TYPE_DNS_CHECK,
                       "id", "dns",
                       "title", _("Name lookup"),
                       NULL);
}

/**
 * rd_dns_check_get_socket_addresses:
 * @result: a result of the dns check
 *
 * Returns: (transfer container) (element-type GSocketAddress): the resolved
 *   addresses with @port, in the order found (IPv4 first)
 */
GPtrArray *
rd_dns_check_get_socket_addresses (RdCheckResult *result,
                                   guint16        port)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *evidence = rd_check_result_get_evidence (result);
  JsonArray *list;

  if (!json_object_has_member (evidence, "addresses"))
    return addresses;

  list = json_object_get_array_member (evidence, "addresses");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *entry = json_array_get_object_element (list, i);
      const char *text = json_object_get_string_member_with_default (entry, "address", NULL);
      GSocketAddress *address = text != NULL ? g_inet_socket_address_new_from_string (text, port) : NULL;

      if (address != NULL)
        g_ptr_array_add (addresses, address);
    }
  return addresses;
}
