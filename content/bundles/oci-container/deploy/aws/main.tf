# Sandbox hosts on EC2 for {{use_case}} process sandboxes (runc/crun,
# bubblewrap, nsjail), Sandbox Atlas bundle {{top}}.
#
# An Auto Scaling group of hosts from a launch template that:
#   - requires IMDSv2 with a hop limit of 1, so no sandbox (a network hop
#     away behind its own namespace) can fetch the instance role's
#     credentials, and even the host needs a session token;
#   - assigns no public IP and allows no ingress (administer with SSM);
#   - encrypts the root volume and runs deploy/host-setup.sh at boot,
#     which unpacks this bundle, installs crun, AppArmor and nftables
#     profiles, and starts the watchdog timer.
# The instance role can use SSM and read the bundle, nothing else.

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sandbox" {
  name               = "${var.name}-host"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.sandbox.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "bundle_read" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${var.bundle_bucket_arn}/*"]
  }
}

resource "aws_iam_role_policy" "bundle_read" {
  name   = "bundle-read"
  role   = aws_iam_role.sandbox.id
  policy = data.aws_iam_policy_document.bundle_read.json
}

resource "aws_iam_instance_profile" "sandbox" {
  name = "${var.name}-host"
  role = aws_iam_role.sandbox.name
}

resource "aws_security_group" "sandbox" {
  name        = "${var.name}-host"
  description = "Sandbox hosts: no ingress, web egress only"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = var.egress_cidrs
  }

  egress {
    description = "HTTP (package mirrors)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = var.egress_cidrs
  }
}

resource "aws_launch_template" "sandbox" {
  name_prefix   = "${var.name}-"
  image_id      = var.ami_id
  instance_type = var.instance_type
  user_data     = base64encode(replace(file("${path.module}/host-setup.sh"), "@BUNDLE_S3_URI@", var.bundle_s3_uri))

  iam_instance_profile {
    arn = aws_iam_instance_profile.sandbox.arn
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  network_interfaces {
    associate_public_ip_address = false
    security_groups             = [aws_security_group.sandbox.id]
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 50
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
    tags = {
      Name                     = "${var.name}-host"
      "sandbox-atlas/use-case" = "{{use_case}}"
    }
  }
}

resource "aws_autoscaling_group" "sandbox" {
  name                      = "${var.name}-hosts"
  min_size                  = var.min_size
  max_size                  = var.max_size
  vpc_zone_identifier       = var.subnet_ids
  health_check_type         = "EC2"
  health_check_grace_period = 120

  launch_template {
    id      = aws_launch_template.sandbox.id
    version = aws_launch_template.sandbox.latest_version
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
