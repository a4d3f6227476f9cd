#!/bin/bash
# Builds kernel/vmlinuz and kernel/initramfs.cpio.gz from Debian's linux-image-amd64 and busybox-static.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
k=$here/kernel
mkdir -p "$k"
if ! ls "$k"/root/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  # A machine that had every package already may have no package lists yet.
  if [ -z "$pkg" ]; then apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); fi
  (cd "$k" && apt-get download "$pkg" && dpkg-deb -x "$pkg"_*.deb root)
fi
ver=$(basename "$k"/root/lib/modules/*)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/bin "$stage"/modules
cp /bin/busybox "$stage"/bin/busybox
for p in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/9p/9pnet net/9p/9pnet_virtio \
         fs/netfs/netfs fs/fscache/fscache fs/9p/9p drivers/net/tun drivers/net/dummy drivers/net/veth; do
  f=$k/root/lib/modules/$ver/kernel/$p.ko
  if [ -f "$f" ]; then cp "$f" "$stage"/modules/; elif [ -f "$f.xz" ]; then xz -dc "$f.xz" > "$stage/modules/$(basename "$p").ko"; else echo "missing $p" >&2; exit 1; fi
done
install -m 755 "$here"/init "$stage"/init
install -m 755 "$here"/stage2 "$stage"/stage2
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$k"/initramfs.cpio.gz
cp "$k"/root/boot/vmlinuz-"$ver" "$k"/vmlinuz
ls -la "$k"/vmlinuz "$k"/initramfs.cpio.gz
