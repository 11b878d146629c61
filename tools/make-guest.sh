#!/usr/bin/env bash
# Builds glasspc's default Linux guest from Debian's own packages:
#   make-guest.sh [DIR]            (DIR defaults to build/guest in the source tree)
# Produces, in DIR:
#   vmlinuz              the kernel of the current linux-image-amd64 (a bzImage)
#   kernel-release       its `uname -r`
#   initramfs.cpio.gz    busybox-static and an /init that mounts proc, sys and dev, prints a banner
#                        with the kernel release and the CPU count, and runs a shell on the console
# Environment:
#   GLASSPC_GUEST_INIT       a shell script to use as /init instead of the default one (tests
#                            bring their own); the initramfs is then named after the script,
#                            initramfs-<script name without .sh>.cpio.gz
#   GLASSPC_GUEST_INITRAMFS  where to write the initramfs instead
#   SOURCE_DATE_EPOCH        the timestamp of every archive member (reproducible-builds.org);
#                            defaults to the kernel's own timestamp in its package
# Downloaded packages are kept in DIR/debs and not fetched again; the initramfs is rebuilt when
# it is missing or older than its inputs. The same inputs give a byte-identical initramfs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/guest}
mkdir -p "$out"
out=$(cd "$out" && pwd)
debs="$out/debs"
mkdir -p "$debs"

log() { echo "make-guest: $*" >&2; }
die() { echo "make-guest: error: $*" >&2; exit 1; }

for tool in apt-cache apt-get dpkg dpkg-deb tar gzip; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (this script needs a Debian-based host)"
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# The package lists are only refreshed when apt does not know the packages at all (a fresh
# container); downloading itself needs no root.
if ! apt-cache show linux-image-amd64 busybox-static >/dev/null 2>&1; then
  log "apt does not know linux-image-amd64/busybox-static; running apt-get update"
  as_root apt-get update -qq
fi

# linux-image-amd64 is a metapackage; its dependency names the current versioned kernel
# package (linux-image-<abi>-amd64), which is what holds the vmlinuz.
kernel_pkg=$(apt-cache depends linux-image-amd64 |
  sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -n "$kernel_pkg" ] || die "cannot resolve the kernel package that linux-image-amd64 depends on"

# fetch PACKAGE: the .deb of the candidate version in $debs, downloaded unless already there.
fetch() {
  local pkg=$1 version file
  version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
  [ -n "$version" ] && [ "$version" != "(none)" ] || die "no installable version of '$pkg'"
  # .deb file names spell an epoch "1:" as "1%3a".
  file="$debs/${pkg}_${version//:/%3a}_amd64.deb"
  if [ ! -s "$file" ]; then
    log "downloading $pkg $version"
    (cd "$debs" && apt-get download -q "$pkg=$version") >&2 || die "apt-get download $pkg failed"
  fi
  [ -s "$file" ] || die "download of $pkg did not produce $file"
  echo "$file"
}

kernel_deb=$(fetch "$kernel_pkg")
busybox_deb=$(fetch busybox-static)

# unpack DEB DIR [MEMBER...]: extracts the package (or only the named members, as tar patterns)
# into DIR, again when the .deb is newer than the last unpacking. The kernel package is mostly
# modules (about 400 MB unpacked) that the guest does not use, so only its boot/ is extracted.
unpack() {
  local deb=$1 dir=$2
  shift 2
  if [ ! -e "$dir/.unpacked" ] || [ "$deb" -nt "$dir/.unpacked" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ $# -eq 0 ]; then
      dpkg -x "$deb" "$dir"
    else
      dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "$@"
    fi
    touch "$dir/.unpacked"
  fi
}
unpack "$kernel_deb" "$out/kernel-pkg" './boot/vmlinuz-*'
unpack "$busybox_deb" "$out/busybox-pkg"

vmlinuz=$(find "$out/kernel-pkg/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | head -n 1)
[ -n "$vmlinuz" ] || die "$kernel_deb holds no boot/vmlinuz-*"
release=${vmlinuz##*/vmlinuz-}
cp -p "$vmlinuz" "$out/vmlinuz"
echo "$release" >"$out/kernel-release"
busybox="$out/busybox-pkg/bin/busybox"
[ -x "$busybox" ] || die "$busybox_deb holds no bin/busybox"

# --- the init ----------------------------------------------------------------------------------
default_init() {
  cat <<'EOF'
#!/bin/busybox sh
# glasspc default guest: a shell on the serial console.
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "glasspc guest: Linux $(uname -r), $(nproc) CPU(s)"
echo "type 'poweroff -f' to power off"
# cttyhack opens the kernel's console (ttyS0 with console=ttyS0) as the controlling terminal, so
# job control and Ctrl-C work; setsid gives the shell its own session for that.
setsid cttyhack sh -l
poweroff -f
EOF
}

if [ -n "${GLASSPC_GUEST_INIT:-}" ]; then
  [ -r "$GLASSPC_GUEST_INIT" ] || die "GLASSPC_GUEST_INIT '$GLASSPC_GUEST_INIT' is not readable"
  init_name=$(basename "$GLASSPC_GUEST_INIT" .sh)
  initramfs=${GLASSPC_GUEST_INITRAMFS:-$out/initramfs-$init_name.cpio.gz}
else
  initramfs=${GLASSPC_GUEST_INITRAMFS:-$out/initramfs.cpio.gz}
fi

up_to_date() {
  [ -s "$initramfs" ] || return 1
  local input
  for input in "$0" "$busybox" ${GLASSPC_GUEST_INIT:+"$GLASSPC_GUEST_INIT"}; do
    [ "$input" -nt "$initramfs" ] && return 1
  done
  return 0
}

if up_to_date; then
  log "up to date: $out/vmlinuz ($release), $initramfs"
  exit 0
fi

epoch=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$vmlinuz")}
[[ "$epoch" =~ ^[0-9]+$ ]] || die "SOURCE_DATE_EPOCH '$epoch' is not a number of seconds"

stage=$(mktemp -d "$out/initramfs-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
if [ -n "${GLASSPC_GUEST_INIT:-}" ]; then
  cp "$GLASSPC_GUEST_INIT" "$stage/init"
else
  default_init >"$stage/init"
fi
chmod 0755 "$stage/init" "$stage/bin/busybox"

# --- cpio "newc" writer --------------------------------------------------------------------------
# Written here rather than with cpio(1) so that every field is fixed: owner root, the timestamp
# above, inode numbers in list order, and device nodes without needing mknod (the kernel opens
# /dev/console from the initramfs before /init can mount devtmpfs).
ino=0
# entry NAME MODE SIZE RDEV_MAJOR RDEV_MINOR NLINK: the 110-byte header and the padded name.
entry() {
  local name=$1 mode=$2 size=$3 rmajor=$4 rminor=$5 nlink=$6 namesize pad
  ino=$((ino + 1))
  namesize=$((${#name} + 1))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    "$ino" "$mode" 0 0 "$nlink" "$epoch" "$size" 0 0 "$rmajor" "$rminor" "$namesize" 0
  printf '%s\0' "$name"
  pad=$(((4 - (110 + namesize) % 4) % 4))
  head -c "$pad" /dev/zero
}
pad_data() { head -c $(((4 - $1 % 4) % 4)) /dev/zero; }

write_archive() {
  local path name size target mode
  while IFS= read -r path; do
    name=${path#./}
    if [ -L "$path" ]; then
      target=$(readlink "$path")
      entry "$name" $((8#120777)) "${#target}" 0 0 1
      printf '%s' "$target"
      pad_data "${#target}"
    elif [ -d "$path" ]; then
      entry "$name" $((8#40755)) 0 0 0 2
      if [ "$name" = dev ]; then entry dev/console $((8#20600)) 0 5 1 1; fi
    else
      size=$(stat -c %s "$path")
      mode=$((8#100644))
      [ -x "$path" ] && mode=$((8#100755))
      entry "$name" "$mode" "$size" 0 0 1
      cat "$path"
      pad_data "$size"
    fi
  done < <(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort)
  entry 'TRAILER!!!' 0 0 0 0 1
}

(cd "$stage" && write_archive) | gzip -n -9 >"$initramfs.tmp"
mv "$initramfs.tmp" "$initramfs"
log "kernel $out/vmlinuz ($release), initramfs $initramfs ($(stat -c %s "$initramfs") bytes)"
