# Firecracker microVM hosts for the {{use_case}} sandboxes (bundle {{top}}):
# an Auto Scaling group of x86_64 bare-metal instances (KVM), Amazon Linux
# 2023 (kernel 6.1, a host kernel Firecracker supports), IMDSv2 only with a
# hop limit of 1, an encrypted root volume, and an instance role limited to
# SSM and reading the guest images.  At first boot the user data writes
# this bundle's host files and runs security/host-setup.sh install, which
# installs Firecracker {{firecracker_version}} and the jailer, the nftables
# ruleset, the watchdog timer and the guest images.
#   terraform init && terraform apply -var-file=your.tfvars

data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"
}

data "aws_partition" "current" {}

locals {
  bundle = "${path.module}/../.."
  # Bundle files the hosts need, by path in the bundle.
  host_files = [
    "security/host-setup.sh",
    "security/microvm-launch.sh",
    "security/watchdog.sh",
    "security/vm_config.json",
    "security/jailer.args",
    "network/nftables-microvm.nft",
    "deploy/systemd/microvm-host.service",
    "deploy/systemd/microvm-watchdog.service",
    "deploy/systemd/microvm-watchdog.timer",
  ]
  user_data = join("\n", concat(
    ["#!/bin/sh", "set -eu", "umask 022"],
    [for f in local.host_files :
      "mkdir -p /opt/sandbox-atlas/bundle/${dirname(f)} && echo '${base64gzip(file("${local.bundle}/${f}"))}' | base64 -d | gunzip > /opt/sandbox-atlas/bundle/${f}"
    ],
    ["IMAGES_URI='${var.images_s3_uri}' sh /opt/sandbox-atlas/bundle/security/host-setup.sh install", ""]
  ))
  tags = merge(var.tags, { "sandbox-atlas/bundle" = "{{top}}" })
}

resource "aws_iam_role" "hosts" {
  name = "${var.name}-host"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.hosts.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "images" {
  name = "${var.name}-images"
  role = aws_iam_role.hosts.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = ["${var.images_bucket_arn}/*"]
    }]
  })
}

resource "aws_iam_instance_profile" "hosts" {
  name = "${var.name}-host"
  role = aws_iam_role.hosts.name
  tags = local.tags
}

resource "aws_security_group" "hosts" {
  name        = "${var.name}-host"
  description = "Firecracker microVM hosts: the controller port from the agents; HTTPS/HTTP out"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "controller" {
  for_each          = toset(var.controller_cidrs)
  security_group_id = aws_security_group.hosts.id
  description       = "Sandbox controller API from the agents"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.controller_port
  to_port           = var.controller_port
}

# HTTPS out: Firecracker releases, packages, S3, SSM{{sg_https_note}}.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.hosts.id
  description       = "HTTPS out"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# HTTP out: Amazon Linux package mirrors{{sg_http_note}}.
resource "aws_vpc_security_group_egress_rule" "http" {
  security_group_id = aws_security_group.hosts.id
  description       = "HTTP out"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}
{{sg_dns_rules}}
resource "aws_launch_template" "hosts" {
  name_prefix            = "${var.name}-"
  image_id               = data.aws_ssm_parameter.al2023.insecure_value
  vpc_security_group_ids = [aws_security_group.hosts.id]
  user_data              = base64encode(local.user_data)
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.hosts.arn
  }

  # IMDSv2 only, one hop: the host's credentials are out of reach of
  # anything forwarded (the microVMs are also cut off by nftables).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.root_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-host" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.tags
  }

  lifecycle {
    precondition {
      condition     = var.allow_nested_virtualization || alltrue([for t in var.instance_types : endswith(t, ".metal")])
      error_message = "instance_types must be *.metal (KVM on EC2) unless allow_nested_virtualization is true."
    }
  }
}

resource "aws_autoscaling_group" "hosts" {
  name                      = "${var.name}-hosts"
  vpc_zone_identifier       = var.subnet_ids
  min_size                  = var.min_size
  max_size                  = var.max_size
  desired_capacity          = var.desired_capacity
  health_check_type         = "EC2"
  health_check_grace_period = 600

  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.hosts.id
        version            = "$Latest"
      }
      dynamic "override" {
        for_each = var.instance_types
        content {
          instance_type = override.value
        }
      }
    }
  }

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
    }
  }

  tag {
    key                 = "Name"
    value               = "${var.name}-host"
    propagate_at_launch = true
  }
}
