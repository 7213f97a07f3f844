# An EKS managed node group for gVisor sandboxes.  Amazon's node images
# ship no gVisor, so every node runs ../../security/node-setup.sh from its
# user data: it installs a pinned, checksum-verified runsc, registers the
# containerd runtime handler "runsc" with the bundled runsc.toml
# (systrap, --oci-seccomp, directfs off) and the seccomp profile.  The
# nodes carry the label and taint that deploy/runtimeclass.yaml selects,
# so only sandbox pods land on them; IMDSv2 with a hop limit of 1 keeps
# pods away from the node's instance credentials; the kubelet caps every
# pod at 1024 PIDs (nodeadm NodeConfig, Amazon Linux 2023).

locals {
  node_setup = replace(file("${path.module}/../../security/node-setup.sh"),
    "GVISOR_RELEASE=$${GVISOR_RELEASE:-{{gvisor_release}}}",
  "GVISOR_RELEASE=$${GVISOR_RELEASE:-${var.gvisor_release}}")

  node_config = <<-EOT
    apiVersion: node.eks.aws/v1alpha1
    kind: NodeConfig
    spec:
      kubelet:
        config:
          podPidsLimit: 1024
  EOT

  # EKS merges MIME multi-part user data of a launch template with its
  # own bootstrap; the NodeConfig part is read by nodeadm, the script
  # runs at first boot.
  user_data = join("\n", [
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed; boundary=\"==SANDBOX==\"",
    "",
    "--==SANDBOX==",
    "Content-Type: application/node.eks.aws",
    "",
    local.node_config,
    "--==SANDBOX==",
    "Content-Type: text/x-shellscript; charset=\"us-ascii\"",
    "",
    local.node_setup,
    "--==SANDBOX==--",
    "",
  ])
}

resource "aws_launch_template" "gvisor" {
  name_prefix = "${var.node_group_name}-"
  user_data   = base64encode(local.user_data)

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.disk_size_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }
}

resource "aws_eks_node_group" "gvisor" {
  cluster_name    = var.cluster_name
  node_group_name = var.node_group_name
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.subnet_ids
  ami_type        = "AL2023_x86_64_STANDARD"
  instance_types  = var.instance_types

  scaling_config {
    min_size     = var.min_size
    desired_size = var.desired_size
    max_size     = var.max_size
  }

  launch_template {
    id      = aws_launch_template.gvisor.id
    version = aws_launch_template.gvisor.latest_version
  }

  labels = {
    "sandbox.atlas.dev/runtime" = "gvisor"
  }

  taint {
    key    = "sandbox.atlas.dev/runtime"
    value  = "gvisor"
    effect = "NO_SCHEDULE"
  }

  update_config {
    max_unavailable = 1
  }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }
}
