#!/bin/sh
# Render moderation.conf.template for nginx on stdout:
#   MODERATION_SERVER_NAME=moderatie.example.nl deploy/nginx/render.sh > /etc/nginx/sites-available/moderation.conf
# Only the MODERATION_* placeholders are replaced (envsubst from Debian's gettext-base); the rest
# have defaults: listen on 443 and 80, Let's Encrypt's paths for the certificate, the app on 127.0.0.1:8000.
set -eu
: "${MODERATION_SERVER_NAME:?set MODERATION_SERVER_NAME to the public host name}"
export MODERATION_SERVER_NAME
export MODERATION_HTTPS_LISTEN="${MODERATION_HTTPS_LISTEN:-443}"
export MODERATION_HTTP_LISTEN="${MODERATION_HTTP_LISTEN:-80}"
export MODERATION_TLS_CERT="${MODERATION_TLS_CERT:-/etc/letsencrypt/live/$MODERATION_SERVER_NAME/fullchain.pem}"
export MODERATION_TLS_KEY="${MODERATION_TLS_KEY:-/etc/letsencrypt/live/$MODERATION_SERVER_NAME/privkey.pem}"
export MODERATION_UPSTREAM="${MODERATION_UPSTREAM:-127.0.0.1:8000}"
exec envsubst '${MODERATION_SERVER_NAME} ${MODERATION_HTTPS_LISTEN} ${MODERATION_HTTP_LISTEN} ${MODERATION_TLS_CERT} ${MODERATION_TLS_KEY} ${MODERATION_UPSTREAM}' \
    < "$(dirname "$0")/moderation.conf.template"
