# Outputs of the EKS gVisor node group module.

output "node_group_arn" {
  description = "ARN of the gVisor node group."
  value       = aws_eks_node_group.gvisor.arn
}

output "launch_template_id" {
  description = "Launch template whose user data runs node-setup.sh."
  value       = aws_launch_template.gvisor.id
}

output "runtime_class_name" {
  description = "RuntimeClass that pods set (runtimeClassName) to run on this node group under gVisor (deploy/runtimeclass.yaml)."
  value       = "gvisor"
}
