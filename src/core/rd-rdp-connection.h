/* rd-rdp-connection.h: one TCP connection to an RDP server, taken through the
 * phases a client goes through: X.224 negotiation, TLS, CredSSP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <openssl/ssl.h>

#include "rd-x224.h"

G_BEGIN_DECLS

/* Where a connection ended: the phase names are report keys. */
typedef enum
{
  RD_PHASE_TCP,
  RD_PHASE_X224,
  RD_PHASE_TLS,
  RD_PHASE_CREDSSP,
} RdPhase;

const char *rd_phase_to_string (RdPhase phase);

#define RD_RDP_ERROR (rd_rdp_error_quark ())

typedef enum
{
  RD_RDP_ERROR_CLOSED,     /* the server closed the connection (FIN) */
  RD_RDP_ERROR_RESET,      /* the server reset it (RST) */
  RD_RDP_ERROR_TIMEOUT,    /* no answer before the deadline */
  RD_RDP_ERROR_PROTOCOL,   /* the answer was not what the protocol allows */
  RD_RDP_ERROR_TLS,        /* the TLS handshake failed (alert, no common version or cipher) */
  RD_RDP_ERROR_FAILED,
  RD_RDP_ERROR_REFUSED,    /* the server answered with a disconnect instead of a confirm */
} RdRdpError;

GQuark rd_rdp_error_quark (void);

/* How the TLS handshake is allowed to go. */
typedef enum
{
  RD_TLS_POLICY_DEFAULT,   /* this machine's OpenSSL defaults, as FreeRDP gets them */
  RD_TLS_POLICY_PERMISSIVE /* security level 0, every version: to see old servers */
} RdTlsPolicy;

#define RD_TYPE_RDP_CONNECTION (rd_rdp_connection_get_type ())
G_DECLARE_FINAL_TYPE (RdRdpConnection, rd_rdp_connection, RD, RDP_CONNECTION, GObject)

RdRdpConnection *rd_rdp_connection_new             (GSocket         *socket);
GSocket         *rd_rdp_connection_get_socket      (RdRdpConnection *self);
void             rd_rdp_connection_set_server_name (RdRdpConnection *self,
                                                    const char      *name);
RdPhase          rd_rdp_connection_get_phase       (RdRdpConnection *self);
gboolean         rd_rdp_connection_negotiate       (RdRdpConnection *self,
                                                    guint32          requested_protocols,
                                                    gint64           deadline_us,
                                                    GCancellable    *cancellable,
                                                    RdX224Confirm   *confirm,
                                                    GError         **error);
const RdX224Confirm *rd_rdp_connection_get_confirm (RdRdpConnection *self);
gboolean         rd_rdp_connection_start_tls       (RdRdpConnection *self,
                                                    RdTlsPolicy      policy,
                                                    int              only_version,
                                                    gint64           deadline_us,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
SSL             *rd_rdp_connection_get_ssl         (RdRdpConnection *self);
gboolean         rd_rdp_connection_tls_write       (RdRdpConnection *self,
                                                    const guint8    *data,
                                                    gsize            length,
                                                    gint64           deadline_us,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
gssize           rd_rdp_connection_tls_read        (RdRdpConnection *self,
                                                    guint8          *buffer,
                                                    gsize            length,
                                                    gint64           deadline_us,
                                                    GCancellable    *cancellable,
                                                    GError         **error);

G_END_DECLS
