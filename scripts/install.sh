#!/bin/sh
# Builds eventgate and installs it as a systemd service; `install.sh uninstall` removes it.
# Honours DESTDIR (staging root for packagers) and these variables (defaults in brackets):
#   PREFIX [/opt/eventgate]        program, runtime dependencies, shipped rule packs, MIBs
#   SYSCONFDIR [/etc/eventgate]    configuration; an existing eventgate.yaml is never replaced
#   UNITDIR [/usr/lib/systemd/system]  SYSUSERSDIR [/usr/lib/sysusers.d]
#   TMPFILESDIR [/usr/lib/tmpfiles.d]  BINDIR [/usr/local/bin] (a symlink to the program)
#   NODE [node on PATH]            the Node.js >= 20 binary the service runs with
# Options: --no-build (use the dist/ already built), --purge (uninstall: also remove the
# configuration and the state directory).
set -eu

PREFIX=${PREFIX:-/opt/eventgate}
SYSCONFDIR=${SYSCONFDIR:-/etc/eventgate}
UNITDIR=${UNITDIR:-/usr/lib/systemd/system}
SYSUSERSDIR=${SYSUSERSDIR:-/usr/lib/sysusers.d}
TMPFILESDIR=${TMPFILESDIR:-/usr/lib/tmpfiles.d}
BINDIR=${BINDIR:-/usr/local/bin}
STATEDIR=/var/lib/eventgate
DESTDIR=${DESTDIR:-}

SRC=$(cd "$(dirname "$0")/.." && pwd)
ACTION=install
BUILD=1
PURGE=0
for arg in "$@"; do
  case "$arg" in
    install) ACTION=install ;;
    uninstall) ACTION=uninstall ;;
    --no-build) BUILD=0 ;;
    --purge) PURGE=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

case "$PREFIX" in /*) ;; *) echo "install.sh: PREFIX must be absolute" >&2; exit 2 ;; esac
case "$SYSCONFDIR" in /*) ;; *) echo "install.sh: SYSCONFDIR must be absolute" >&2; exit 2 ;; esac

say() { printf '%s\n' "$*"; }
# Only touch the live system (users, systemd) when installing into it as root.
live() { [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ]; }
systemd_running() { live && [ -d /run/systemd/system ]; }

uninstall() {
  if systemd_running; then
    systemctl disable --now eventgate.service 2>/dev/null || true
  fi
  rm -rf "$DESTDIR$PREFIX"
  rm -f "$DESTDIR$UNITDIR/eventgate.service" "$DESTDIR$SYSUSERSDIR/eventgate.conf" "$DESTDIR$TMPFILESDIR/eventgate.conf"
  [ -L "$DESTDIR$BINDIR/eventgate" ] && rm -f "$DESTDIR$BINDIR/eventgate"
  rm -f "$DESTDIR$SYSCONFDIR/packs"
  if [ "$PURGE" = 1 ]; then
    rm -rf "$DESTDIR$SYSCONFDIR" "$DESTDIR$STATEDIR"
    say "removed eventgate, its configuration and its state"
  else
    say "removed eventgate; kept $SYSCONFDIR and $STATEDIR (use --purge to remove them)"
  fi
  if systemd_running; then systemctl daemon-reload; fi
}

# Copies the runtime (non-dev) packages named in package-lock.json from node_modules/,
# leaving out native build intermediates and sources, which the program never loads.
copy_runtime_deps() {
  dest=$1
  packages=$("$NODE_BIN" -e '
    const lock = require(process.argv[1]);
    const fs = require("node:fs");
    for (const [path, meta] of Object.entries(lock.packages)) {
      if (!path || meta.dev || meta.link) continue;
      if (fs.existsSync(process.argv[2] + "/" + path)) console.log(path);
    }' "$SRC/package-lock.json" "$SRC")
  [ -n "$packages" ] || { echo "install.sh: no runtime packages found; run npm ci first" >&2; exit 1; }
  # shellcheck disable=SC2086 # one path per word, none has spaces (npm package names)
  (cd "$SRC" && tar -chf - \
    --exclude='*/build/Release/obj*' --exclude='*/build/Release/.deps' --exclude='*/build/Release/*.a' \
    --exclude='*/build/Release/test_extension.node' --exclude='*/build/deps' \
    --exclude='node_modules/better-sqlite3/deps' --exclude='node_modules/better-sqlite3/src' \
    $packages) | (cd "$dest" && tar -xf -)
}

install_all() {
  NODE_BIN=${NODE:-$(command -v node || true)}
  [ -n "$NODE_BIN" ] || { echo "install.sh: node not found; set NODE=/path/to/node" >&2; exit 1; }
  major=$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "install.sh: Node.js 20 or newer needed, $NODE_BIN is $major" >&2; exit 1; }
  case "$NODE_BIN" in /home/*|/root/*) say "warning: $NODE_BIN is under a home directory, which the unit's ProtectHome= hides" ;; esac

  if [ "$BUILD" = 1 ]; then
    (cd "$SRC" && "$NODE_BIN" node_modules/typescript/bin/tsc -p tsconfig.build.json)
  fi
  [ -f "$SRC/dist/main.js" ] || { echo "install.sh: dist/ is missing; build first or drop --no-build" >&2; exit 1; }

  root=$DESTDIR$PREFIX
  rm -rf "$root.new"
  mkdir -p "$root.new/bin" "$root.new/node_modules"
  cp -R "$SRC/dist" "$root.new/dist"
  cp -R "$SRC/config" "$root.new/config"
  [ -d "$SRC/mibs" ] && cp -R "$SRC/mibs" "$root.new/mibs"
  cp -R "$SRC/systemd" "$root.new/systemd"
  cp -R "$SRC/libexec" "$root.new/libexec"
  cp "$SRC/package.json" "$SRC/README.md" "$root.new/"
  cp "$SRC/bin/eventgate.js" "$root.new/bin/eventgate.js"
  copy_runtime_deps "$root.new"
  # The service runs this wrapper: a fixed Node binary (systemd's PATH may not have it),
  # the program found relative to the wrapper so a DESTDIR tree runs in place too.
  cat > "$root.new/bin/eventgate" <<EOF
#!/bin/sh
exec "$NODE_BIN" "\$(dirname "\$(readlink -f "\$0")")/eventgate.js" "\$@"
EOF
  chmod 0755 "$root.new/bin/eventgate"
  # Swap in the new tree in one rename, so a running service never sees half an upgrade.
  if [ -d "$root" ]; then rm -rf "$root.old" && mv "$root" "$root.old"; fi
  mv "$root.new" "$root"
  rm -rf "$root.old"

  mkdir -p "$DESTDIR$UNITDIR" "$DESTDIR$SYSUSERSDIR" "$DESTDIR$TMPFILESDIR" "$DESTDIR$BINDIR" "$DESTDIR$SYSCONFDIR"
  sed -e "s#/opt/eventgate#$PREFIX#g" -e "s#/etc/eventgate#$SYSCONFDIR#g" "$SRC/systemd/eventgate.service" > "$DESTDIR$UNITDIR/eventgate.service"
  sed -e "s#/etc/eventgate#$SYSCONFDIR#g" "$SRC/systemd/eventgate.tmpfiles" > "$DESTDIR$TMPFILESDIR/eventgate.conf"
  cp "$SRC/systemd/eventgate.sysusers" "$DESTDIR$SYSUSERSDIR/eventgate.conf"
  chmod 0644 "$DESTDIR$UNITDIR/eventgate.service" "$DESTDIR$TMPFILESDIR/eventgate.conf" "$DESTDIR$SYSUSERSDIR/eventgate.conf"
  ln -sfn "$PREFIX/bin/eventgate" "$DESTDIR$BINDIR/eventgate"

  # The shipped rule packs stay with the program (upgrades replace them); the config reaches
  # them through a relative link, which also resolves inside a DESTDIR tree.
  ln -sfn "$(realpath -m --relative-to="$SYSCONFDIR" "$PREFIX/config/rules")" "$DESTDIR$SYSCONFDIR/packs"
  if [ -e "$DESTDIR$SYSCONFDIR/eventgate.yaml" ]; then
    say "kept the existing $SYSCONFDIR/eventgate.yaml; the shipped one is $PREFIX/config/eventgate.system.yaml"
  else
    install -m 0640 "$SRC/config/eventgate.system.yaml" "$DESTDIR$SYSCONFDIR/eventgate.yaml"
  fi

  if live; then
    if command -v systemd-sysusers >/dev/null 2>&1; then systemd-sysusers "$SYSUSERSDIR/eventgate.conf"; fi
    if command -v systemd-tmpfiles >/dev/null 2>&1; then systemd-tmpfiles --create "$TMPFILESDIR/eventgate.conf"; fi
    if getent group eventgate >/dev/null 2>&1; then chgrp eventgate "$SYSCONFDIR/eventgate.yaml"; fi
  fi
  if systemd_running; then systemctl daemon-reload; fi
  say "installed eventgate in $DESTDIR$PREFIX (config $DESTDIR$SYSCONFDIR/eventgate.yaml)"
  if live; then say "next: edit $SYSCONFDIR/eventgate.yaml, then: systemctl enable --now eventgate"; fi
}

if [ "$ACTION" = uninstall ]; then uninstall; else install_all; fi
