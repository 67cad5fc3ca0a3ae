/* rds-server.h: shared types of the scripted RDP test server
 *
 * The server answers the first phases of an RDP connection (X.224 negotiation,
 * TLS, the first CredSSP round trip) the way a scripted "behaviour" says, so
 * tests and demos can show states no packaged server can.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "rd-ntlm.h"
#include "rd-tsrequest.h"
#include "rd-x224.h"

G_BEGIN_DECLS

/* Nothing a client sends before authentication comes near this. */
#define RDS_MAX_PDU_LENGTH   8192
#define RDS_READ_TIMEOUT_US  (10 * G_USEC_PER_SEC)
#define RDS_SILENT_HOLD_US   (60 * G_USEC_PER_SEC)

#define RDS_DEFAULT_NEG_FLAGS (RD_NEG_RSP_EXTENDED_CLIENT_DATA_SUPPORTED | \
                               RD_NEG_RSP_DYNVC_GFX_PROTOCOL_SUPPORTED | \
                               RD_NEG_RSP_RESTRICTED_ADMIN_MODE_SUPPORTED | \
                               RD_NEG_RSP_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_EXTENSION, X509_EXTENSION_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SSL_CTX, SSL_CTX_free)

typedef struct _RdsBehaviour RdsBehaviour;
typedef struct _RdsConfig    RdsConfig;
typedef struct _RdsConn      RdsConn;

typedef void (*RdsServeFunc) (RdsConn            *conn,
                              const RdsBehaviour *behaviour);

struct _RdsBehaviour
{
  const char   *name;
  const char   *description;
  RdsServeFunc  serve;
  guint32       param;        /* behaviour-specific, e.g. the code of failure-N */
};

/* Everything the command line sets for the connections; read-only once serving. */
struct _RdsConfig
{
  guint8   neg_flags;         /* RDP_NEG_RSP flags */
  guint32  failure_code;      /* for the generic "failure" behaviour */
  gint64   credssp_version;   /* TSRequest version we answer with */
  gint64   clock_offset_s;    /* added to the NTLM timestamp */
  char    *nb_computer;
  char    *nb_domain;
  char    *dns_computer;
  char    *dns_domain;
  char    *dns_tree;
  SSL_CTX *ssl_ctx;
};

/* One accepted TCP connection, served on its own thread. */
struct _RdsConn
{
  const RdsConfig   *config;
  guint              id;
  GSocketConnection *connection;
  GSocket           *socket;
  GCancellable      *cancellable;  /* the server's: cancelled at shutdown */
  SSL               *ssl;          /* once TLS has started */
};

/* rds-behaviours.c */
const RdsBehaviour *rds_behaviour_lookup (const char *name);
void                rds_behaviour_print_table (void);

/* rds-io.c: every wait is bounded by a timeout and by conn->cancellable */
gboolean rds_conn_wait            (RdsConn       *conn,
                                   GIOCondition   condition,
                                   gint64         timeout_us,
                                   GError       **error);
gboolean rds_conn_read_exact      (RdsConn       *conn,
                                   guint8        *buffer,
                                   gsize          length,
                                   GError       **error);
gboolean rds_conn_send_all        (RdsConn       *conn,
                                   const guint8  *data,
                                   gsize          length,
                                   GError       **error);
GBytes  *rds_conn_read_tpkt       (RdsConn       *conn,
                                   GError       **error);
gboolean rds_conn_read_request    (RdsConn       *conn,
                                   RdX224Request *request,
                                   GError       **error);
gboolean rds_conn_send_confirm    (RdsConn             *conn,
                                   const RdX224Confirm *confirm,
                                   GError             **error);
void     rds_conn_drain           (RdsConn       *conn,
                                   gint64         timeout_us);
void     rds_conn_reset           (RdsConn       *conn);
gboolean rds_conn_tls_accept      (RdsConn       *conn,
                                   GError       **error);
gboolean rds_conn_tls_write_all   (RdsConn       *conn,
                                   const guint8  *data,
                                   gsize          length,
                                   GError       **error);
gboolean rds_conn_tls_read_tsrequest (RdsConn     *conn,
                                      RdTsRequest *request,
                                      GError     **error);
void     rds_conn_tls_drain       (RdsConn       *conn,
                                   gint64         timeout_us);

/* rds-tls.c */
typedef struct
{
  const char *cert_file;
  const char *key_file;
  const char *cert_name;
  gint64      cert_days_valid;
  gint64      cert_not_before_offset_s;
  const char *tls_versions;
} RdsTlsOptions;

SSL_CTX *rds_tls_context_new (const RdsTlsOptions *options,
                              GError             **error);

G_END_DECLS
