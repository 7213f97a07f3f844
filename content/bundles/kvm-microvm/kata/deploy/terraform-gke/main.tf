# GKE node pool for the Kata {{use_case}} sandboxes (bundle {{top}}).
# Kata needs KVM: on Compute Engine that means nested virtualization,
# enabled per node with advanced_machine_features.  The pool also turns
# SMT off (one thread per core: no sibling-thread side channels between
# sandbox VMs), uses cgroup v2 (sandbox_cgroup_only), Ubuntu with
# containerd (kata-deploy installs under /opt and edits containerd's
# configuration, which Container-Optimized OS keeps read-only), Shielded
# VM with secure boot, the GKE metadata server (pods never see the node's
# credentials) and a taint so that only sandbox pods land on it.
# After apply: install kata-deploy and run security/node-setup.sh on these
# nodes (SETUP.md).

resource "google_container_node_pool" "kata" {
  project  = var.project_id
  location = var.location
  cluster  = var.cluster_name
  name     = var.node_pool_name

  autoscaling {
    min_node_count = var.min_nodes
    max_node_count = var.max_nodes
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.machine_type
    image_type      = "UBUNTU_CONTAINERD"
    disk_size_gb    = var.disk_size_gb
    disk_type       = "pd-balanced"
    service_account = var.node_service_account
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    advanced_machine_features {
      threads_per_core             = 1
      enable_nested_virtualization = true
    }

    linux_node_config {
      cgroup_mode = "CGROUP_MODE_V2"
    }

    kubelet_config {
      cpu_manager_policy = "none"
      pod_pids_limit     = 1024
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }

    labels = {
      "sandbox.atlas.dev/runtime" = "kata"
    }

    taint {
      key    = "sandbox.atlas.dev/runtime"
      value  = "kata"
      effect = "NO_SCHEDULE"
    }
  }
}
