# Invitations for partner contacts to set up a login (partners/invitations.py).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0005_partner_listed_publicly'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PartnerInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='email')),
                ('key_hash', models.CharField(editable=False, max_length=64)),
                ('state', models.CharField(choices=[('pending', 'invited'), ('accepted', 'accepted'), ('revoked', 'revoked'), ('replaced', 'replaced by a new invitation')], default='pending', max_length=10, verbose_name='state')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent')),
                ('expires_at', models.DateTimeField(verbose_name='expires')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted or revoked')),
                ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='partners.partnercontact', verbose_name='contact')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('contact',), name='one_pending_invitation_per_contact')],
            },
        ),
    ]
