# End-to-end suite and the OCI image. Included by the top-level Makefile,
# which defines BUILD, STRICT_INIT and VERSION.
#
#   make image   writes $(BUILD)/strict-groups-image.tar (the installer:
#                /strict-init without seal or file capability)
#   make policy-image SEAL="--groups=..."  a policy image for image volumes
#   make e2e-deps  installs what the suite needs: Debian packages and the CRI
#                client's node_modules (`npm ci`)
#   make e2e     runs `bats --tap tests/e2e` (root): a private containerd with
#                its CRI plugin and a private dockerd, started and stopped by
#                the suite itself

E2E_DIR := tests/e2e
IMAGE_TAR := $(BUILD)/strict-groups-image.tar
IMAGE_REF := strict-groups:$(VERSION)
IMAGE_ROOTFS := $(BUILD)/image-rootfs
# Debian packages the e2e suite needs. Node.js and npm come from Debian
# only when the machine has no node/npm of its own (Debian's npm conflicts
# with other nodejs builds).
E2E_PACKAGES := containerd runc docker.io jq bats busybox-static libcap2-bin tar \
	docker-registry skopeo openssl
E2E_NODE_PACKAGES := $(if $(shell command -v node && command -v npm),,nodejs npm)

.PHONY: image e2e e2e-deps

image: $(IMAGE_TAR)

# /strict-init in the image is the installer: no seal, no file capability
# (an init container runs it as root: `install --groups=... DEST`).
$(IMAGE_TAR): $(STRICT_INIT) $(BUILD)/libstrict-preload.so tools/mkimage $(E2E_DIR)/e2e.mk
	rm -rf $(IMAGE_ROOTFS)
	mkdir -p $(IMAGE_ROOTFS)
	cp $(STRICT_INIT) $(IMAGE_ROOTFS)/strict-init
	cp $(BUILD)/libstrict-preload.so $(IMAGE_ROOTFS)/libstrict-preload.so
	chmod 0755 $(IMAGE_ROOTFS)/strict-init $(IMAGE_ROOTFS)/libstrict-preload.so
	tools/mkimage --entrypoint '["/strict-init"]' --cmd '["--help"]' \
	  $(IMAGE_ROOTFS) $(IMAGE_REF) $@

# A policy image, for an image volume (deploy/pod-image-volume.yaml): its
# /strict-init is a sealed copy with the file capability, carried in the
# layer as a PAX record SCHILY.xattr.security.capability. Root: `install`
# writes the capability.
SEAL ?= --groups=60000 --mode=enforce
POLICY_IMAGE_TAR ?= $(BUILD)/strict-groups-policy.tar
POLICY_IMAGE_REF ?= strict-groups-policy:60000
POLICY_IMAGE_ROOTFS := $(BUILD)/policy-image-rootfs
.PHONY: policy-image
policy-image: $(STRICT_INIT) tools/mkimage
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "make policy-image: run as root (strict-init install sets a file capability)" >&2; exit 1; fi
	rm -rf $(POLICY_IMAGE_ROOTFS)
	mkdir -p $(POLICY_IMAGE_ROOTFS)
	$(STRICT_INIT) install $(SEAL) $(POLICY_IMAGE_ROOTFS)/strict-init
	tools/mkimage $(POLICY_IMAGE_ROOTFS) $(POLICY_IMAGE_REF) $(POLICY_IMAGE_TAR)

# node_modules for the CRI client, from package-lock.json.
$(E2E_DIR)/node_modules/.package-lock.json: $(E2E_DIR)/package.json $(E2E_DIR)/package-lock.json $(BUILD)/.deps-e2e
	cd $(E2E_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUILD)/.deps-e2e:
	@mkdir -p $(BUILD)
	tools/ensure-packages.sh $(E2E_PACKAGES) $(E2E_NODE_PACKAGES)
	@touch $@

e2e-deps: $(BUILD)/.deps-e2e $(E2E_DIR)/node_modules/.package-lock.json

e2e: all $(IMAGE_TAR) e2e-deps
	bats --tap $(E2E_DIR)
