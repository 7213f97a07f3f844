# A GKE Sandbox node pool: nodes whose pods with runtimeClassName: gvisor
# run under gVisor (sandbox_config.sandbox_type = "gvisor"; GKE Sandbox
# needs the Container-Optimized OS with containerd image and cannot be
# the cluster's only node pool).  GKE labels and taints these nodes and
# creates the RuntimeClass "gvisor" itself.  The nodes run as a dedicated
# least-privilege service account, hide the node metadata from pods
# (GKE_METADATA) and boot with Shielded VM checks.
# gVisor on GKE: https://github.com/google/gvisor/blob/3c5eee17dc/g3doc/user_guide/quick_start/kubernetes.md

resource "google_service_account" "sandbox_nodes" {
  project      = var.project_id
  account_id   = "${var.node_pool_name}-nodes"
  display_name = "GKE gVisor sandbox nodes"
}

resource "google_project_iam_member" "sandbox_nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.sandbox_nodes.email}"
}

resource "google_container_node_pool" "gvisor" {
  project  = var.project_id
  location = var.location
  cluster  = var.cluster_name
  name     = var.node_pool_name

  autoscaling {
    min_node_count = var.min_node_count
    max_node_count = var.max_node_count
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.machine_type
    image_type      = "COS_CONTAINERD"
    disk_size_gb    = var.disk_size_gb
    service_account = google_service_account.sandbox_nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    labels          = var.node_labels

    metadata = {
      disable-legacy-endpoints = "true"
    }

    sandbox_config {
      sandbox_type = "gvisor"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    # Cap every pod at 1024 PIDs: gVisor leaves resource limits to the
    # host's cgroups.
    kubelet_config {
      cpu_manager_policy = "none"
      pod_pids_limit     = 1024
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  depends_on = [google_project_iam_member.sandbox_nodes]
}
