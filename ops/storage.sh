# Sourced by ops/backup.sh and ops/restore.sh: where the stored files are, from the same
# variables the application reads. With ZI_S3_BUCKET set, `bucket_remote` names the bucket
# for rclone (configured through RCLONE_CONFIG_* variables: no rclone.conf to keep in step).
MEDIA_ROOT="${DJANGO_MEDIA_ROOT:-$PWD/media}"
if [ -n "${ZI_S3_BUCKET:-}" ]; then
  export RCLONE_CONFIG=""  # no config file: the remote comes from the variables below
  export RCLONE_CONFIG_ZIFILES_TYPE=s3
  export RCLONE_CONFIG_ZIFILES_PROVIDER="${ZI_S3_ENDPOINT_URL:+Other}"
  export RCLONE_CONFIG_ZIFILES_PROVIDER="${RCLONE_CONFIG_ZIFILES_PROVIDER:-AWS}"
  export RCLONE_CONFIG_ZIFILES_ENDPOINT="${ZI_S3_ENDPOINT_URL:-}"
  export RCLONE_CONFIG_ZIFILES_ACCESS_KEY_ID="${ZI_S3_ACCESS_KEY:-}"
  export RCLONE_CONFIG_ZIFILES_SECRET_ACCESS_KEY="${ZI_S3_SECRET_KEY:-}"
  export RCLONE_CONFIG_ZIFILES_REGION="${ZI_S3_REGION:-}"
  export RCLONE_CONFIG_ZIFILES_ENV_AUTH="${ZI_S3_ACCESS_KEY:+false}"
  export RCLONE_CONFIG_ZIFILES_ENV_AUTH="${RCLONE_CONFIG_ZIFILES_ENV_AUTH:-true}"
  if [ "${ZI_S3_ADDRESSING_STYLE:-}" = "virtual" ]; then
    export RCLONE_CONFIG_ZIFILES_FORCE_PATH_STYLE=false
  fi
  bucket_remote() { echo "zifiles:$ZI_S3_BUCKET"; }
fi
if [ -n "${AWS_CA_BUNDLE:-}" ]; then
  # rclone's S3 client cannot use AWS_CA_BUNDLE (aws-sdk-go refuses rclone's own HTTP
  # transport: "LoadCustomCABundleError"); rclone's --ca-cert trusts the same bundle.
  export RCLONE_CA_CERT="$AWS_CA_BUNDLE"
  unset AWS_CA_BUNDLE
fi
